"""A problem's evidence: the findings behind it, counted by where they came from, each traced to
its meeting, survey answer or import row."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pandas as pd
from sqlalchemy import Row, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.aggregation.sql import read_frame
from backend.models import (
    Answer,
    Finding,
    ImportBatch,
    ImportRow,
    Meeting,
    Problem,
    ProblemFinding,
    Response,
    Survey,
    SurveyVersion,
    counted,
)

DIMENSIONS = ("source", "stakeholder_group", "working_group", "district")


@dataclass(frozen=True)
class Origin:
    """Where a finding was recorded: ``kind`` is meeting, survey_answer or import_row."""

    kind: str
    id: int
    detail: str


@dataclass(frozen=True)
class EvidenceItem:
    """One finding behind a problem."""

    finding_id: int
    text: str
    source: str
    stakeholder_group: str | None
    working_group: str | None
    district: str | None
    severity: int | None
    similarity: float | None
    reason: dict[str, Any] | None  # why integration put it here (``matching.reason``)
    confirmed: bool
    recorded_at: datetime
    origin: Origin | None


@dataclass(frozen=True)
class Evidence:
    """A problem, its findings (up to the limit asked, oldest first) and, over all of them, the
    number of findings by source, stakeholder group, working group and district (None: not given)."""

    problem: Problem
    total: int
    counts: dict[str, dict[str | None, int]]
    findings: list[EvidenceItem]


def _origin(row: Row[Any]) -> Origin | None:
    if row.meeting_id is not None:
        return Origin("meeting", row.meeting_id, f"held {row.held_on:%Y-%m-%d}")
    if row.answer_id is not None:
        return Origin("survey_answer", row.answer_id, f"survey {row.survey}, response {row.response_id}")
    if row.import_row_id is not None:
        return Origin("import_row", row.import_row_id, f"{row.file_name}, row {row.row_number}")
    return None


async def counts(session: AsyncSession, problem_id: int) -> tuple[int, dict[str, dict[str | None, int]]]:
    """How many live findings support the problem, and how many by each of ``DIMENSIONS``."""
    columns = [getattr(Finding, name) for name in DIMENSIONS]
    frame = await read_frame(
        session,
        select(*columns, func.count())
        .join(ProblemFinding, ProblemFinding.finding_id == Finding.id)
        .where(ProblemFinding.problem_id == problem_id, counted())
        .group_by(*columns),
        [*DIMENSIONS, "findings"],
    )
    by = {}
    for name in DIMENSIONS:  # most findings first; ties in code order, None last
        sums = frame.groupby(name, dropna=False).findings.sum().sort_values(ascending=False, kind="stable")
        by[name] = {None if pd.isna(value) else value: int(n) for value, n in sums.items()}
    return int(frame.findings.sum()), by


async def evidence(session: AsyncSession, problem: Problem, *, limit: int | None = None) -> Evidence:
    """The evidence of ``problem``: counts over all its live findings, and the first ``limit``."""
    total, by = await counts(session, problem.id)
    query = (
        select(
            Finding.id,
            Finding.text,
            Finding.source,
            Finding.stakeholder_group,
            Finding.working_group,
            Finding.district,
            Finding.severity,
            ProblemFinding.similarity,
            ProblemFinding.reason,
            ProblemFinding.confirmed,
            Finding.created_at,
            Finding.meeting_id,
            Meeting.held_on,
            Finding.answer_id,
            Answer.response_id,
            Survey.code.label("survey"),
            Finding.import_row_id,
            ImportBatch.file_name,
            ImportRow.row_number,
        )
        .join(ProblemFinding, ProblemFinding.finding_id == Finding.id)
        .outerjoin(Meeting, Meeting.id == Finding.meeting_id)
        .outerjoin(Answer, Answer.id == Finding.answer_id)
        .outerjoin(Response, Response.id == Answer.response_id)
        .outerjoin(SurveyVersion, SurveyVersion.id == Response.survey_version_id)
        .outerjoin(Survey, Survey.id == SurveyVersion.survey_id)
        .outerjoin(ImportRow, ImportRow.id == Finding.import_row_id)
        .outerjoin(ImportBatch, ImportBatch.id == ImportRow.batch_id)
        .where(ProblemFinding.problem_id == problem.id, counted())
        .order_by(Finding.id)
        .limit(limit)
    )
    items = [
        EvidenceItem(
            row.id,
            row.text,
            row.source,
            row.stakeholder_group,
            row.working_group,
            row.district,
            row.severity,
            row.similarity,
            row.reason,
            row.confirmed,
            row.created_at,
            _origin(row),
        )
        for row in (await session.execute(query)).all()
    ]
    return Evidence(problem, total, by, items)
