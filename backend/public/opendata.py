"""The open data: the public results as flat rows per dataset (the JSON API and the CSV downloads)."""

from __future__ import annotations

import csv
import io
from typing import Any

from backend.public.results import Results

VERSION = "v1"
DATASETS = ("problems", "stages", "decisions", "participation", "cells", "evidence")
FIELDS: dict[str, tuple[str, ...]] = {
    "problems": (
        "id",
        "public_title",
        "axis",
        "district",
        "stage",
        "stage_at",
        "body",
        "percent",
        "rank",
        "score",
        "evidence",
    ),
    "stages": ("problem_id", "stage", "at", "body", "rank", "percent", "detail"),
    "decisions": ("problem_id", "body", "outcome", "at", "approve", "reject", "abstain", "reasons"),
    "participation": ("year", "week", "first_day", "findings", "people"),
    "cells": ("district", "stakeholder_group", "people"),
    "evidence": ("problem_id", "dimension", "value", "findings"),
}


def _time(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def rows(results: Results, dataset: str) -> list[dict[str, Any]]:
    """One dataset's rows (fields as in ``FIELDS``); KeyError for an unknown dataset."""
    if dataset == "problems":
        return [
            {
                "id": p.id,
                "public_title": p.title,
                "axis": p.axis,
                "district": p.district,
                "stage": p.stage.stage,
                "stage_at": _time(p.stage.at),
                "body": p.stage.body,
                "percent": p.stage.percent,
                "rank": p.rank,
                "score": None if p.score is None else round(p.score, 4),
                "evidence": p.evidence,
            }
            for p in results.problems
        ]
    if dataset == "stages":
        return [
            {
                "problem_id": p.id,
                "stage": s.stage,
                "at": _time(s.at),
                "body": s.body,
                "rank": s.rank,
                "percent": s.percent,
                "detail": s.detail if s.stage in ("rejected", "in_execution", "done") else None,
            }
            for p in results.problems
            for s in p.history
        ]
    if dataset == "decisions":
        return [
            {
                "problem_id": d.problem_id,
                "body": d.body,
                "outcome": d.outcome,
                "at": _time(d.at),
                "approve": d.approve,
                "reject": d.reject,
                "abstain": d.abstain,
                "reasons": " | ".join(d.reasons),
            }
            for d in results.decisions
        ]
    if dataset == "participation":
        return [
            {
                "year": w.year,
                "week": w.week,
                "first_day": w.first.isoformat(),
                "findings": w.findings,
                "people": w.people,
            }
            for w in results.weeks
        ]
    if dataset == "cells":
        return [{"district": c.district, "stakeholder_group": c.group, "people": c.people} for c in results.cells]
    if dataset == "evidence":
        return [
            {"problem_id": p.id, "dimension": dimension, "value": value, "findings": n}
            for p in results.problems
            for dimension, counts in (("source", p.by_source), ("stakeholder_group", p.by_group))
            for value, n in sorted(counts.items())
        ]
    raise KeyError(dataset)


def as_json(results: Results, dataset: str) -> dict[str, Any]:
    """A dataset as the API returns it: version, when generated, its fields and rows."""
    return {
        "version": VERSION,
        "dataset": dataset,
        "generated_at": results.generated_at.isoformat(),
        "fields": list(FIELDS[dataset]),
        "rows": rows(results, dataset),
    }


def as_csv(results: Results, dataset: str) -> str:
    """A dataset as CSV (UTF-8; a blank cell is an unknown or suppressed value)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=FIELDS[dataset], lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows(results, dataset))
    return out.getvalue()
