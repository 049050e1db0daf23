"""Who may do what with meetings: every command and press is checked against the database."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from backend.errors import Refused
from backend.meetings import service
from backend.models import Finding, Meeting, Participant
from backend.participants import service as participants
from backend.services import roles


async def facilitator(session: AsyncSession, user_id: int) -> Participant:
    """The participant of a messenger account holding the facilitator role; Refused otherwise."""
    participant = await participants.by_messenger_id(session, user_id)
    if participant is None or not await roles.has_role(session, participant.id, "facilitator"):
        raise Refused("meetings.refused")
    return participant


async def open_meeting(session: AsyncSession, user_id: int, *, paused_too: bool = False) -> tuple[Participant, Meeting]:
    """The facilitator and their open meeting (or paused, if ``paused_too``); Refused otherwise."""
    participant = await facilitator(session, user_id)
    meeting = await service.active(session, participant.id)
    if meeting is None or meeting.status == "draft":
        raise Refused("meetings.none_open")
    if meeting.status == "paused" and not paused_too:
        raise Refused("meetings.paused", number=meeting.id)
    return participant, meeting


async def draft(session: AsyncSession, participant_id: int, meeting_id: int, step: str) -> Meeting:
    """The facilitator's meeting in setup if it is ``meeting_id`` at question ``step``; Refused (a
    stale button) otherwise."""
    meeting = await service.active(session, participant_id)
    if meeting is None or meeting.id != meeting_id or meeting.status != "draft" or meeting.setup_step != step:
        raise Refused("errors.stale_button")
    return meeting


async def problem(session: AsyncSession, user_id: int, finding_id: int) -> Finding:
    """A live problem of a meeting the sender is logging; Refused (a stale button) otherwise."""
    participant = await facilitator(session, user_id)
    finding = await service.owned_finding(session, finding_id, participant.id)
    if finding is None or finding.kind != "problem":
        raise Refused("errors.stale_button")
    return finding


async def idle(session: AsyncSession, user_id: int) -> Participant:
    """A facilitator with no open or paused meeting (who may start one); Refused otherwise."""
    participant = await facilitator(session, user_id)
    meeting = await service.active(session, participant.id)
    if meeting is not None and meeting.status != "draft":
        raise Refused("meetings.busy", number=meeting.id)
    return participant
