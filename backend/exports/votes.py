"""The votes as a table: one row per member's current vote, with the audit trail beside it."""

from __future__ import annotations

from datetime import tzinfo

import pandas as pd
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.exports.columns import fetch_rows, frame_of, jalali_datetime, utc_iso
from backend.models import Agenda, AgendaItem, AuditEntry, Decision, Participant, Problem, Vote

VOTE_COLUMNS = {
    "agenda": "Int64",
    "body": "object",
    "rank": "Int64",
    "problem": "Int64",
    "title": "object",
    "member": "object",
    "choice": "object",
    "reason": "object",
    "comment": "object",
    "decision": "object",
    "updated_at": "object",
}
AUDIT_COLUMNS = {
    "entry": "Int64",
    "at": "object",
    "actor": "object",
    "action": "object",
    "entity": "object",
    "entity_id": "object",
    "choice": "object",
    "previous": "object",
    "reason": "object",
}


async def votes_frame(session: AsyncSession, *, zone: tzinfo, body: str | None = None) -> pd.DataFrame:
    """Every vote (members by pseudonym), its item, agenda and the item's decision if taken; Jalali
    times in ``zone`` (the plan's)."""
    query = (
        select(
            Agenda.id,
            Agenda.body,
            AgendaItem.rank,
            Problem.id,
            Problem.title,
            Participant.pseudonym,
            Vote.choice,
            Vote.reason,
            Vote.comment,
            Decision.outcome,
            Vote.updated_at,
        )
        .join(AgendaItem, Vote.agenda_item_id == AgendaItem.id)
        .join(Agenda, AgendaItem.agenda_id == Agenda.id)
        .join(Problem, AgendaItem.problem_id == Problem.id)
        .join(Participant, Vote.participant_id == Participant.id)
        .outerjoin(Decision, Decision.agenda_item_id == AgendaItem.id)
        .order_by(Agenda.id, AgendaItem.rank, Vote.id)
    )
    if body is not None:
        query = query.where(Agenda.body == body)
    frame = frame_of(await fetch_rows(session, query), VOTE_COLUMNS)
    frame["updated_jalali"] = jalali_datetime(frame["updated_at"], zone)
    frame["updated_at"] = utc_iso(frame["updated_at"])
    return frame


async def vote_audit_frame(session: AsyncSession) -> pd.DataFrame:
    """The append-only audit log of votes, comments and agendas, oldest first."""
    rows = await fetch_rows(
        session,
        select(
            AuditEntry.id,
            AuditEntry.at,
            AuditEntry.actor,
            AuditEntry.action,
            AuditEntry.entity,
            AuditEntry.entity_id,
            AuditEntry.data,
        )
        .where(AuditEntry.entity.in_(("agenda", "agenda_item")))
        .order_by(AuditEntry.id),
    )
    flat = [
        (*row[:6], row[6].get("choice"), row[6].get("previous"), row[6].get("reason") or row[6].get("text"))
        for row in rows
    ]
    frame = frame_of(flat, AUDIT_COLUMNS)
    frame["at"] = utc_iso(frame["at"])
    return frame
