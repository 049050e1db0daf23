"""A participant's own steps, as use cases: coming back, consenting, the minimal profile, the
language, the open surveys, and /forget. Each opens its own transaction; the records they change
are written by ``backend.participants.service``."""

from __future__ import annotations

from dataclasses import dataclass

from backend.context import AppContext, transaction
from backend.errors import Refused
from backend.jalali import utcnow
from backend.models import Participant, Survey
from backend.participants import service as participants
from backend.services import responses, surveys

STALE = "errors.stale_button"


@dataclass(frozen=True)
class OpenSurvey:
    """A survey open now, and whether the participant has an unfinished response to it."""

    survey: Survey
    unfinished: bool


async def find(app: AppContext, messenger_id: int) -> Participant | None:
    """The participant of a messenger account, if they consented."""
    async with app.sessions() as session:
        return await participants.by_messenger_id(session, messenger_id)


async def welcome(app: AppContext, messenger_id: int) -> Participant | None:
    """/start: the participant (reachable again if they had blocked the bot), or None for a newcomer."""
    async with transaction(app) as session:
        participant = await participants.by_messenger_id(session, messenger_id)
        if participant is not None:
            await participants.reachable_again(session, participant)
        return participant


async def consent(app: AppContext, messenger_id: int, language: str) -> Participant | None:
    """The account's holder agreed to the privacy notice: the new participant, or None if they had
    already joined (a second tap on the same notice)."""
    async with transaction(app) as session:
        if await participants.by_messenger_id(session, messenger_id) is not None:
            return None
        return await participants.join(session, app.secret, messenger_id, language)


async def set_district(app: AppContext, messenger_id: int, code: str) -> Participant:
    """Save the participant's district; a stale button (no participant, a district not in the plan)
    is refused."""
    async with transaction(app) as session:
        participant = await participants.by_messenger_id(session, messenger_id)
        if participant is None or app.plan.get("district", code) is None:
            raise Refused(STALE)
        await participants.set_profile(session, participant, district=code)
        return participant


async def set_language(app: AppContext, messenger_id: int, language: str) -> bool:
    """Remember the participant's language; False if the account has no participant yet."""
    async with transaction(app) as session:
        return await participants.set_language(session, messenger_id, language)


async def open_surveys(app: AppContext, participant_id: int) -> list[OpenSurvey]:
    """The surveys open now, each marked if the participant has an unfinished response to it."""
    async with app.sessions() as session:
        open_now = await surveys.open_surveys(session, utcnow())
        unfinished = await responses.unfinished(session, participant_id)
    return [OpenSurvey(survey, survey.id in unfinished) for survey in open_now]


async def forget(app: AppContext, messenger_id: int) -> bool:
    """Delete the participant's profile and the link to their account; False if there was none."""
    async with transaction(app) as session:
        return await participants.forget(session, messenger_id)


async def set_muted(app: AppContext, messenger_id: int, muted: bool) -> bool:
    """/mute or /unmute; False if the account has no participant."""
    async with transaction(app) as session:
        return await participants.set_muted(session, messenger_id, muted)
