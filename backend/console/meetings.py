"""Meetings and forums for the console: the list and one meeting with its notes and findings. Admins see
every working group's; a facilitator only their own (``groups``)."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import ColumnElement, func, select

from backend.console.staff import Staff
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


def _visible(staff: Staff) -> list[ColumnElement[bool]]:
    """Setup drafts aside, the meetings ``staff`` may see: all for an admin, their groups' for a facilitator."""
    if not staff.is_admin and not staff.working_groups:
        raise Refused("meetings.facilitators_only")
    where: list[ColumnElement[bool]] = [Meeting.status != "draft"]
    if not staff.is_admin:
        where.append(Meeting.working_group.in_(staff.working_groups))
    return where


async def meetings(
    app: AppContext, staff: Staff, kind: str | None = None, statuses: Collection[str] = ()
) -> list[MeetingLine]:
    """The newest ``PAGE`` meetings (``kind``: meeting or forum, None for both; only ``statuses`` if given)
    the viewer may see."""
    where = _visible(staff)
    if kind is not None:
        where.append(Meeting.kind == kind)
    if statuses:
        where.append(Meeting.status.in_(list(statuses)))
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


async def meeting_record(app: AppContext, staff: Staff, meeting_id: int) -> service.MeetingRecord:
    """One meeting with its live notes and findings; Refused ``meetings.unknown`` if it does not exist or
    is not the viewer's to see (the same answer, so ids of other groups' meetings are not revealed)."""
    async with transaction(app) as session:
        meeting = await session.scalar(select(Meeting).where(Meeting.id == meeting_id, *_visible(staff)))
        if meeting is None:
            raise Refused("meetings.unknown", id=meeting_id)
        return await service.record(session, meeting)


async def open_forums(app: AppContext, staff: Staff) -> list[MeetingLine]:
    """The NGO forums still taking feedback (an NGO invite seats someone in one of them)."""
    return await meetings(app, staff, "forum", service.LOGGING)
