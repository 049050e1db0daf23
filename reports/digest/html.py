"""The digest as one self-contained HTML page: right to left in Persian, charts embedded,
readable on a phone and printable. User text (problem titles, answers) is escaped."""

from __future__ import annotations

import base64
import math
import struct
from typing import Any

import pandas as pd

from backend.digest.build import Digest
from backend.jalali import format_datetime
from backend.locales import localize_number
from backend.plan import Plan
from reports.digest.charts import Chart
from reports.digest.tables import Table, column
from reports.labels import label
from reports.templates import render

PARTICIPATION = ("meetings", "kind", "axis", "working_group", "district", "stakeholder_group")
CHARTS_BESIDE = {"meetings": "meetings-by-source", "axis": "findings-by-axis"}


def number_text(value: Any, lang: str, *, signed: bool = False) -> str:
    """A number for reading: thousands separated, at most three decimals, Persian digits in Persian;
    a blank is a dash."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if isinstance(value, float) and not value.is_integer():
        return localize_number(value, lang, decimals=3, trim=True)
    text = localize_number(int(value), lang, signed=signed and value != 0)
    return f"\u2066{text}\u2069" if signed and value != 0 else text  # isolated: the sign stays on the left in RTL


def _cells(frame: pd.DataFrame, lang: str, gaps: set[str]) -> list[list[dict[str, str]]]:
    """Each cell's text and class; a zero in a ``gaps`` column is an empty, marked cell."""
    change = column("change", lang)
    rows = []
    for values in frame.itertuples(index=False, name=None):
        row = []
        for name, value in zip(frame.columns, values, strict=True):
            if isinstance(value, str):
                row.append({"text": value, "css": "text"})
            elif name in gaps and value == 0:
                row.append({"text": "", "css": "number gap"})
            else:
                row.append({"text": number_text(value, lang, signed=name == change), "css": "number"})
        rows.append(row)
    return rows


def _table(table: Table, lang: str, plan: Plan, *, titled: bool = True) -> dict[str, Any]:
    frame, gaps, css = table.frame, set(), ""
    if table.key == "coverage":  # groups with findings, gaps marked; the workbook has every group and gap list
        used = column("used", lang)
        frame = frame[frame[used] > 0].drop(columns=[column("gaps", lang)])
        gaps, css = {s.name(lang) for s in plan.sources}, "coverage"
    return {
        "title": table.title if titled else "",
        "columns": [str(c) for c in frame.columns],
        "rows": _cells(frame, lang, gaps),
        "css": css,
    }


def _image(chart: Chart) -> dict[str, Any]:
    width, height = struct.unpack(">II", chart.png[16:24])  # the PNG header's IHDR size
    return {"title": chart.title, "data": base64.b64encode(chart.png).decode("ascii"), "width": width, "height": height}


def _cards(digest: Digest, lang: str) -> list[dict[str, str]]:
    totals = digest.participation.totals
    return [
        {
            "name": label(f"digest.totals.{key}", lang),
            "figure": number_text(int(row.current), lang),
            "change": number_text(int(row.change), lang, signed=True),
            "trend": "up" if row.change > 0 else "down" if row.change < 0 else "",
        }
        for key, row in totals.iterrows()
    ]


def render_digest(digest: Digest, tables: list[Table], charts: list[Chart], lang: str) -> str:
    """The digest page in ``lang`` from its tables and charts."""
    by_key = {table.key: table for table in tables}
    images = {chart.key: _image(chart) for chart in charts}
    participation = [
        {
            "title": by_key[key].title,
            "hint": "",
            "tables": [_table(by_key[key], lang, digest.plan, titled=False)],
            "charts": [images[CHARTS_BESIDE[key]]] if key in CHARTS_BESIDE else [],
        }
        for key in PARTICIPATION
    ]
    sections = [
        *participation,
        {
            "title": by_key["coverage"].title,
            "hint": label(
                "digest.sections.coverage_hint",
                lang,
                silent=int((digest.coverage.used == 0).sum()),
                groups=len(digest.coverage),
            ),
            "tables": [_table(by_key["coverage"], lang, digest.plan, titled=False)],
            "charts": [],
        },
        {
            "title": by_key["top"].title,
            "hint": label("digest.sections.top_hint", lang),
            "tables": [_table(by_key["top"], lang, digest.plan, titled=False)],
            "charts": [],
        },
        {
            "title": by_key["citizens"].title,
            "hint": label("digest.sections.citizens_hint", lang),
            "tables": [_table(by_key["citizens"], lang, digest.plan, titled=False)],
            "charts": [],
        },
        {
            "title": by_key["approvals"].title,
            "hint": label("digest.approvals_at", lang),
            "tables": [_table(by_key["approvals"], lang, digest.plan, titled=False)],
            "charts": [],
        },
    ]
    surveys = [t for t in tables if t.key.startswith("survey.")]
    if surveys:
        sections.append(
            {
                "title": label("digest.sections.surveys", lang),
                "hint": "",
                "charts": [image for key, image in images.items() if key.startswith("survey-")],
                "tables": [_table(t, lang, digest.plan) for t in surveys],
            }
        )
    period = digest.period
    labels = {
        key: label(f"digest.{key}", lang) for key in ("period", "compared_with", "built_at", "made_with", "nothing")
    }
    labels["key_figures"] = label("digest.sections.key_figures", lang)
    return render(
        "digest.html.j2",
        lang=lang,
        dir="rtl" if lang == "fa" else "ltr",
        title=label("digest.title", lang),
        plan=digest.plan.name(lang),
        period=period.label(lang),
        dates=period.dates(lang),
        previous=period.previous().label(lang),
        built_at=format_datetime(digest.built_at, lang),
        labels=labels,
        cards=_cards(digest, lang),
        sections=sections,
    )
