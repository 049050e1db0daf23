"""Meetings and forums for the console: the list and one meeting with its notes and findings. Admins see
every working group's; a facilitator only their own (``groups``)."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import ColumnElement, func, select

from backend.context import AppContext, transaction
from backend.errors import Refused
from backend.meetings import service
from backend.models import Finding, Meeting, Note

PAGE = 100


@dataclass(frozen=True)
class MeetingLine:
    """A meeting in the list with how many live notes and findings it has."""

    meeting: Meeting
    notes: int
    findings: int


def _visible(groups: Collection[str] | None) -> list[ColumnElement[bool]]:
    """Setup drafts aside, the meetings of ``groups`` (None: all)."""
    where: list[ColumnElement[bool]] = [Meeting.status != "draft"]
    if groups is not None:
        where.append(Meeting.working_group.in_(list(groups)))
    return where


async def meetings(app: AppContext, groups: Collection[str] | None, kind: str | None = None) -> list[MeetingLine]:
    """The newest ``PAGE`` meetings (``kind``: meeting or forum, None for both) the viewer may see."""
    where = _visible(groups)
    if kind is not None:
        where.append(Meeting.kind == kind)
    notes = select(func.count()).where(Note.meeting_id == Meeting.id, Note.deleted_at.is_(None)).scalar_subquery()
    findings = (
        select(func.count()).where(Finding.meeting_id == Meeting.id, Finding.deleted_at.is_(None)).scalar_subquery()
    )
    async with transaction(app) as session:
        rows = (
            await session.execute(
                select(Meeting, notes, findings)
                .where(*where)
                .order_by(Meeting.held_on.desc(), Meeting.id.desc())
                .limit(PAGE)
            )
        ).all()
    return [MeetingLine(meeting, n, f) for meeting, n, f in rows]


async def meeting_record(app: AppContext, meeting_id: int, groups: Collection[str] | None) -> service.MeetingRecord:
    """One meeting with its live notes and findings; Refused ``meetings.unknown`` if it does not exist or
    is not the viewer's to see (the same answer, so ids of other groups' meetings are not revealed)."""
    async with transaction(app) as session:
        meeting = await session.scalar(select(Meeting).where(Meeting.id == meeting_id, *_visible(groups)))
        if meeting is None:
            raise Refused("meetings.unknown", id=meeting_id)
        return await service.record(session, meeting)
