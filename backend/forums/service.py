"""NGO forums kept in the database: the join link's key, seats, feedback as findings."""

from __future__ import annotations

import hashlib
import hmac
from base64 import urlsafe_b64encode

from sqlalchemy import ColumnElement, String, and_, cast, exists, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.meetings.service import FORUM_GROUP, Who, account_id, facilitating
from backend.models import Finding, Meeting, Participant, Role
from backend.services.findings import record_finding


def forum_key(secret: bytes, meeting_id: int) -> str:
    """The unguessable part of a forum's join link (a keyed hash of its id, 16 URL-safe characters)."""
    digest = hmac.new(secret, f"forum:{meeting_id}".encode(), hashlib.sha256).digest()
    return urlsafe_b64encode(digest).decode()[:16]


async def open_forum(session: AsyncSession, secret: bytes, meeting_id: int, key: str) -> Meeting | None:
    """The forum a join link points at, if the key is right and the forum is open."""
    if not hmac.compare_digest(forum_key(secret, meeting_id), key):
        return None
    return await session.scalar(
        select(Meeting).where(Meeting.id == meeting_id, Meeting.kind == "forum", Meeting.status == "open")
    )


def _seated(who: Who) -> ColumnElement[bool]:
    """``who``'s NGO seats in open forums, with their forum's meeting."""
    return and_(
        Role.participant_id == who,
        Role.role == "ngo",
        Role.scope == cast(Meeting.id, String),
        Meeting.kind == "forum",
        Meeting.status == "open",
    )


def engaged(participant_id: ColumnElement[int]) -> ColumnElement[bool]:
    """Whether a participant sets up, logs or has paused a meeting, or is seated in an open forum: their
    typed messages belong to it (what ``meetings.active_of_account`` and ``seat_of_account`` find), as a
    column of another statement."""
    return exists().where(facilitating(participant_id)) | exists().where(_seated(participant_id))


async def seat_of_account(session: AsyncSession, messenger_id: int) -> tuple[Role, Meeting] | None:
    """The seat in an open forum (the latest joined) of a messenger account's participant, if any, in one
    query (checked on every typed message)."""
    row = (
        await session.execute(
            select(Role, Meeting)
            .join(Meeting, Role.scope == cast(Meeting.id, String))
            .where(_seated(account_id(messenger_id)))
            .order_by(Role.id.desc())
            .limit(1)
        )
    ).first()
    return (row[0], row[1]) if row else None


async def record_feedback(session: AsyncSession, meeting: Meeting, seat_role: Role, text: str) -> Finding:
    """One NGO's message in a forum: a civil-society finding with the organization they named. The forum's
    row is locked until the transaction ends (PostgreSQL; SQLite writes one at a time anyway), so findings
    sent at once are recorded and counted one after another and each count the facilitator sees is its own."""
    await session.execute(select(Meeting.id).where(Meeting.id == meeting.id).with_for_update())
    return await record_finding(
        session,
        kind="problem",
        text=text,
        source=meeting.source,
        working_group=meeting.working_group,
        axis=meeting.axes[0] if len(meeting.axes) == 1 else None,
        district=meeting.district,
        stakeholder_group=FORUM_GROUP,
        organization=seat_role.organization,
        participant_id=seat_role.participant_id,
        meeting_id=meeting.id,
    )


async def facilitator_of(session: AsyncSession, meeting: Meeting) -> Participant | None:
    """The participant logging the meeting, if still known."""
    return None if meeting.facilitator_id is None else await session.get(Participant, meeting.facilitator_id)


async def feedback_count(session: AsyncSession, meeting_id: int) -> int:
    """How many live findings the forum's participants have sent."""
    return (
        await session.scalar(
            select(func.count())
            .select_from(Finding)
            .join(Meeting, Finding.meeting_id == Meeting.id)
            .where(
                Finding.meeting_id == meeting_id,
                Finding.deleted_at.is_(None),
                Finding.participant_id.is_distinct_from(Meeting.facilitator_id),
            )
        )
        or 0
    )
