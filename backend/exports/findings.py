"""Findings as one table: a row per (not deleted) finding with its meeting, participant and origin,
and its moderation status: a finding the committee hid is kept here, ``hidden`` with its reason."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import ColumnElement, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.errors import MeydanError
from backend.exports.columns import fetch_rows, frame_of, iso_date, jalali_date, utc_iso
from backend.models import FINDING_KINDS, Finding, ImportRow, Meeting, Participant, ProblemFinding

FINDING_COLUMNS = {
    "id": "int64",
    "kind": "object",
    "text": "object",
    "normalized_text": "object",
    "source": "object",
    "working_group": "object",
    "axis": "object",
    "district": "object",
    "stakeholder_group": "object",
    "severity": "Int64",
    "organization": "object",
    "meeting": "Int64",
    "meeting_source": "object",
    "held_on": "object",
    "participant": "object",
    "parent": "Int64",
    "problem": "Int64",
    "created_at": "object",
    "hidden_at": "object",
    "hidden_reason": "object",
}
VISIBLE, HIDDEN = "visible", "hidden"
ORDER = (
    "id",
    "kind",
    "text",
    "normalized_text",
    "source",
    "working_group",
    "axis",
    "district",
    "stakeholder_group",
    "severity",
    "organization",
    "meeting",
    "meeting_source",
    "held_on",
    "held_on_jalali",
    "participant",
    "origin",
    "parent",
    "problem",
    "status",
    "hidden_reason",
    "created_at",
)


def origin(
    answer_id: int | None, meeting_id: int | None, note_id: int | None, batch_id: int | None, row_number: int | None
) -> str | None:
    """Where a finding came from: ``answer:12``, ``import:4:row 45`` (batch and row),
    ``meeting:3`` or ``meeting:3:note 9``; None for one entered by hand."""
    if answer_id is not None:
        return f"answer:{answer_id}"
    if batch_id is not None:
        return f"import:{batch_id}:row {row_number}"
    if meeting_id is not None:
        return f"meeting:{meeting_id}" + (f":note {note_id}" if note_id is not None else "")
    return None


async def findings_frame(session: AsyncSession, *, kind: str | None = None, source: str | None = None) -> pd.DataFrame:
    """One row per finding not deleted, oldest first, optionally only of one ``kind`` (an unknown
    kind is a MeydanError) or ``source``: its texts and tags, its meeting (id, source, ISO and
    Jalali date), the participant's pseudonym, its origin (see ``origin``), its parent finding, the
    problem integration put it in (None before integration), its status (visible or hidden, with the
    hidden reason) and when it was recorded (ISO UTC)."""
    chosen: list[ColumnElement[bool]] = [Finding.deleted_at.is_(None)]
    if kind is not None:
        if kind not in FINDING_KINDS:
            raise MeydanError(f"no finding kind {kind!r}; the kinds are {', '.join(FINDING_KINDS)}")
        chosen.append(Finding.kind == kind)
    if source is not None:
        chosen.append(Finding.source == source)
    rows = await fetch_rows(
        session,
        (
            select(
                Finding.id,
                Finding.kind,
                Finding.text,
                Finding.normalized_text,
                Finding.source,
                Finding.working_group,
                Finding.axis,
                Finding.district,
                Finding.stakeholder_group,
                Finding.severity,
                Finding.organization,
                Finding.meeting_id,
                Meeting.source,
                Meeting.held_on,
                Participant.pseudonym,
                Finding.parent_id,
                ProblemFinding.problem_id,
                Finding.created_at,
                Finding.hidden_at,
                Finding.hidden_reason,
                Finding.answer_id,
                Finding.meeting_id.label("origin_meeting"),
                Finding.note_id,
                ImportRow.batch_id,
                ImportRow.row_number,
            )
            .outerjoin(Meeting, Finding.meeting_id == Meeting.id)
            .outerjoin(Participant, Finding.participant_id == Participant.id)
            .outerjoin(ImportRow, Finding.import_row_id == ImportRow.id)
            .outerjoin(ProblemFinding, ProblemFinding.finding_id == Finding.id)
            .where(*chosen)
            .order_by(Finding.id)
        ),
    )
    shown = len(FINDING_COLUMNS)
    frame = frame_of([row[:shown] for row in rows], FINDING_COLUMNS)
    origins = [origin(r.answer_id, r.origin_meeting, r.note_id, r.batch_id, r.row_number) for r in rows]
    frame = frame.assign(
        held_on=iso_date(frame["held_on"]),
        held_on_jalali=jalali_date(frame["held_on"]),
        origin=pd.Series(origins, index=frame.index, dtype=object),
        created_at=utc_iso(frame["created_at"]),
        status=frame["hidden_at"].isna().map({True: VISIBLE, False: HIDDEN}).astype(object),
    )
    return frame[list(ORDER)]
