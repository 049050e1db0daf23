"""Who may do what with meetings: every command and press is checked against the database."""

from __future__ import annotations

from aiogram.filters import Filter
from aiogram.types import Message
from sqlalchemy.ext.asyncio import AsyncSession

from backend.errors import Refused
from backend.models import Finding, Meeting, Participant, Role
from backend.services import meetings, participants, roles
from backend.context import AppContext
from bot.i18n import t
from bot.meetings.render import of_kind


async def facilitator(session: AsyncSession, user_id: int) -> Participant:
    """The participant of a messenger account holding the facilitator role; Refused otherwise."""
    participant = await participants.by_messenger_id(session, user_id)
    if participant is None or not await roles.has_role(session, participant.id, "facilitator"):
        raise Refused("meetings.refused")
    return participant


async def open_meeting(session: AsyncSession, user_id: int, *,
                       paused_too: bool = False) -> tuple[Participant, Meeting]:
    """The facilitator and their open meeting (or paused, if ``paused_too``); Refused otherwise."""
    participant = await facilitator(session, user_id)
    meeting = await meetings.active(session, participant.id)
    if meeting is None or meeting.status == "draft":
        raise Refused("meetings.none_open")
    if meeting.status == "paused" and not paused_too:
        raise Refused("meetings.paused", number=meeting.id)
    return participant, meeting


async def draft(session: AsyncSession, participant_id: int, meeting_id: int, step: str) -> Meeting:
    """The facilitator's meeting in setup if it is ``meeting_id`` at question ``step``; Refused (a
    stale button) otherwise."""
    meeting = await meetings.active(session, participant_id)
    if meeting is None or meeting.id != meeting_id or meeting.status != "draft" or meeting.setup_step != step:
        raise Refused("errors.stale_button")
    return meeting


async def problem(session: AsyncSession, user_id: int, finding_id: int) -> Finding:
    """A live problem of a meeting the sender is logging; Refused (a stale button) otherwise."""
    participant = await facilitator(session, user_id)
    finding = await meetings.owned_finding(session, finding_id, participant.id)
    if finding is None or finding.kind != "problem":
        raise Refused("errors.stale_button")
    return finding


async def participant_for(session: AsyncSession, app: AppContext, user_id: int, lang: str) -> Participant:
    """The participant of a messenger account, created on the spot for someone opening an invite or
    a forum link (the welcome they get says what is kept)."""
    return await participants.by_messenger_id(session, user_id) or await participants.join(
        session, app.secret, user_id, lang)


async def idle(session: AsyncSession, user_id: int) -> Participant:
    """A facilitator with no open or paused meeting (who may start one); Refused otherwise."""
    participant = await facilitator(session, user_id)
    meeting = await meetings.active(session, participant.id)
    if meeting is not None and meeting.status != "draft":
        raise Refused("meetings.busy", number=meeting.id)
    return participant


class AtMeeting(Filter):
    """Passes a non-command message of a facilitator whose meeting is in setup, open or paused,
    handing ``meeting`` (as read now) to the handler."""

    async def __call__(self, message: Message, app: AppContext) -> bool | dict[str, Meeting]:
        if message.from_user is None or (message.text or "").startswith("/"):
            return False
        async with app.sessions() as session:
            meeting = await meetings.active_of_account(session, message.from_user.id)
        return False if meeting is None else {"meeting": meeting}


class AtForum(Filter):
    """Passes a non-command message of someone seated in an open NGO forum."""

    async def __call__(self, message: Message, app: AppContext) -> bool:
        if message.from_user is None or (message.text or "").startswith("/"):
            return False
        async with app.sessions() as session:
            return await meetings.seat_of_account(session, message.from_user.id) is not None


async def forum_seat(session: AsyncSession, user_id: int) -> tuple[Role, Meeting]:
    """The sender's seat in an open forum; Refused if the forum has closed meanwhile."""
    found = await meetings.seat_of_account(session, user_id)
    if found is None:
        raise Refused("forums.closed")
    return found


async def closed_notice(app: AppContext, user_id: int, lang: str) -> str | None:
    """For a message nothing else took: if the sender's last meeting or forum has closed, the text that
    says so (and, to its facilitator, how to open another); else None."""
    async with app.sessions() as session:
        meeting = await meetings.last_closed_of_account(session, user_id)
        if meeting is None:
            return None
        participant = await participants.by_messenger_id(session, user_id)
    facilitator = participant is not None and meeting.facilitator_id == participant.id
    return t(of_kind(meeting, "after_close") if facilitator else "forums.closed", lang, number=meeting.id)


class AfterClose(Filter):
    """Passes a message that is not text (text goes to the surveys, which say the same) from someone whose
    last meeting or forum has closed, handing ``notice``: what to tell them."""

    async def __call__(self, message: Message, app: AppContext, lang: str) -> bool | dict[str, str]:
        if message.from_user is None or message.text is not None:
            return False
        notice = await closed_notice(app, message.from_user.id, lang)
        return False if notice is None else {"notice": notice}
