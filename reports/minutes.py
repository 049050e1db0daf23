"""A meeting's minutes as one self-contained HTML page (right to left in Persian)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from backend.jalali import format_date, format_datetime
from backend.locales import localize_digits, localize_number, pick_language
from backend.meetings.service import MeetingRecord
from backend.models import Finding, Note
from backend.plan import Plan
from reports.labels import catalog, label
from reports.templates import render

KINDS = ("problem", "strategy", "policy", "project")


def _number(value: int | None, lang: str) -> str:
    if value is None:
        return label("minutes.none", lang)
    return localize_digits(value, lang)


def _size(size: int | None, lang: str) -> str:
    if not size:
        return ""
    value, unit = (size / 1024, "KB") if size < 1024 * 1024 else (size / 1024 / 1024, "MB")
    return f"{localize_number(value, lang, decimals=1, trim=True)} {unit}"


def _name(plan: Plan, kind: str, code: str | None, lang: str) -> str:
    item = plan.get(kind, code) if code else None
    return item.name(lang) if item is not None else (code or label("minutes.none", lang))


def _note_row(note: Note, lang: str) -> dict[str, Any]:
    details = " · ".join(part for part in (note.file_name, note.mime_type, _size(note.file_size, lang)) if part)
    return {
        "time": format_datetime(note.logged_at, lang),
        "kind": label(f"minutes.{note.kind}", lang),
        "text": note.text or "",
        "details": details,
        "file_id": note.file_id,
    }


def _findings(plan: Plan, findings: list[Finding], lang: str) -> dict[str, list[dict[str, Any]]]:
    numbers = {f.id: i for i, f in enumerate((f for f in findings if f.kind == "problem"), start=1)}
    grouped: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for finding in findings:
        grouped[finding.kind].append(
            {
                "number": _number(len(grouped[finding.kind]) + 1, lang),
                "text": finding.text,
                "axis": _name(plan, "axis", finding.axis, lang),
                "severity": _number(finding.severity, lang),
                "problem": _number(numbers.get(finding.parent_id or 0), lang),
                "organization": finding.organization,
            }
        )
    return {kind: grouped[kind] for kind in KINDS if grouped[kind]}


def render_minutes(record: MeetingRecord, plan: Plan, lang: str = "fa") -> str:
    """The minutes of a meeting: its details, findings by kind and every note, user text escaped."""
    lang = pick_language(lang)
    meeting = record.meeting
    labels = {key.removeprefix("minutes."): text for key, text in catalog(lang).items() if key.startswith("minutes.")}
    fields = [
        (labels["source"], _name(plan, "source", meeting.source, lang)),
        (labels["working_group"], _name(plan, "working_group", meeting.working_group, lang)),
        (labels["axes"], labels["sep"].join(_name(plan, "axis", a, lang) for a in meeting.axes) or labels["none"]),
        (labels["date"], format_date(meeting.held_on, lang)),
        (
            labels["district"],
            _name(plan, "district", meeting.district, lang) if meeting.district else labels["citywide"],
        ),
        (
            labels["groups"],
            labels["sep"].join(_name(plan, "stakeholder_group", g, lang) for g in meeting.stakeholder_groups)
            or labels["none"],
        ),
        (labels["attendees"], _number(meeting.attendees, lang)),
        (labels["organizations"], meeting.organizations or labels["none"]),
        (labels["opened"], format_datetime(meeting.created_at, lang)),
        (labels["closed"], format_datetime(meeting.closed_at, lang) if meeting.closed_at else labels["none"]),
    ]
    return render(
        "minutes.html.j2",
        lang=lang,
        dir="rtl" if lang == "fa" else "ltr",
        labels=labels,
        number=_number(meeting.id, lang),
        forum=meeting.kind == "forum",
        fields=fields,
        findings=_findings(plan, record.findings, lang),
        notes=[_note_row(note, lang) for note in record.notes],
    )
