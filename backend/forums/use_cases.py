"""NGO forums, as the messenger (or any other adapter) asks for them: opening one, taking a seat by its
link, naming the organization, feedback as findings. Each use case owns its transaction."""

from __future__ import annotations

from dataclasses import dataclass

from backend.context import AppContext, Claim, transaction
from backend.errors import Refused
from backend.forums import service
from backend.meetings import use_cases
from backend.meetings.service import FORUM_SOURCE, LOGGING, active_of_account, meeting_sources
from backend.models import Finding, Meeting
from backend.participants import service as participants
from backend.services import roles


@dataclass(frozen=True)
class Seat:
    """Someone seated in a forum and the organization they speak for (None until named)."""

    meeting: Meeting
    organization: str | None


@dataclass(frozen=True)
class Feedback(Seat):
    """A seated participant's message: naming the organization (no ``finding``) or a finding; the
    facilitator to tell (messenger id and language, if known) and the forum's count of findings."""

    finding: Finding | None = None
    facilitator: tuple[int, str] | None = None
    count: int = 0


async def open_forum(app: AppContext, claim: Claim, user_id: int) -> use_cases.SetupState:
    """Start setting up a forum like a meeting; its join link is given once it is open."""
    if FORUM_SOURCE not in meeting_sources(app.plan):
        raise Refused("forums.unavailable")
    return await use_cases.start_setup(app, claim, user_id, FORUM_SOURCE, forum=True)


async def join(app: AppContext, claim: Claim, user_id: int, lang: str, forum_id: int, key: str) -> Seat:
    """Take a seat in the open forum a join link points at (a participant is made for a newcomer)."""
    async with transaction(app, claim) as session:
        meeting = await service.open_forum(session, app.secret, forum_id, key)
        if meeting is None:
            raise Refused("forums.link_invalid")
        participant = await participants.of_account_or_join(session, app.secret, user_id, lang)
        seat = await roles.grant(session, participant.id, "ngo", str(meeting.id))
    return Seat(meeting, seat.organization)


async def send_feedback(app: AppContext, claim: Claim, user_id: int, text: str) -> Feedback:
    """The first message names the organization the participant speaks for; each later one is a
    civil-society finding. Refused if the forum has closed meanwhile."""
    async with transaction(app, claim) as session:
        found = await service.seat_of_account(session, user_id)
        if found is None:
            raise Refused("forums.closed")
        seat, meeting = found
        if seat.organization is None:
            seat.organization = text.strip()
            return Feedback(meeting, seat.organization)
        finding = await service.record_feedback(session, meeting, seat, text)
        facilitator = await service.facilitator_of(session, meeting)
        if facilitator is None or facilitator.telegram_id is None:
            return Feedback(meeting, seat.organization, finding)
        count = await service.feedback_count(session, meeting.id)
    return Feedback(meeting, seat.organization, finding, (facilitator.telegram_id, facilitator.language), count)


async def seated(app: AppContext, user_id: int) -> bool:
    """Whether a messenger account's participant is seated in an open forum."""
    async with app.sessions() as session:
        return await service.seat_of_account(session, user_id) is not None


async def at_work(app: AppContext, user_id: int) -> bool:
    """Whether a messenger account's participant is logging an open (or paused) meeting or is seated in
    an open forum: someone whose messages are the meeting's record."""
    async with app.sessions() as session:
        meeting = await active_of_account(session, user_id)
        if meeting is not None and meeting.status in LOGGING:
            return True
        return await service.seat_of_account(session, user_id) is not None
