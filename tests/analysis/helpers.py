"""Building test data through the real services: citizens answering the bundled survey as they
would type and tap, and findings recorded as facilitators and imports record them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from backend.models import Finding, Response
from backend.participants import service as participants
from backend.plan import Plan
from backend.services import responses, surveys
from backend.surveys import BUNDLED_DIR
from backend.surveys.engine import Invalid, next_question, validate
from backend.surveys.model import QuestionType
from backend.surveys.plan_sources import plan_choice_sources

SECRET = b"analysis-tests"
CITIZEN_SURVEY = BUNDLED_DIR / "mashhad_citizen.yaml"

Replies = Mapping[str, str | Sequence[str] | None]


async def register_citizen_survey(session: AsyncSession) -> surveys.Registration:
    """The bundled citizen survey, registered and open."""
    registration = await surveys.register(session, surveys.load_definition(CITIZEN_SURVEY))
    registration.survey.is_open = True
    return registration


async def answer(
    session: AsyncSession,
    plan: Plan,
    registration: surveys.Registration,
    messenger_id: int,
    *,
    district: str | None,
    replies: Replies,
    stakeholder_group: str | None = None,
    finish: bool = True,
) -> tuple[Response, list[Finding]]:
    """One citizen joins, sets a profile and answers: ``replies[name]`` is what they type or tap
    (a list for several replies to one question, None to skip); questions without a reply are
    skipped. Returns the response and the findings its completion made."""
    participant = await participants.join(session, SECRET, messenger_id, "fa")
    await participants.set_profile(session, participant, district=district, stakeholder_group=stakeholder_group)
    response = await responses.start(session, participant, registration.survey, registration.version, "fa")
    assert response is not None
    cache = responses.DefinitionCache()
    progress = await responses.progress(session, cache, response)
    sources = plan_choice_sources(plan)
    state = progress.state
    while (question := next_question(progress.definition, state, sources)) is not None:
        reply = replies.get(question.name)
        if reply is None or question.type is QuestionType.NOTE:
            state = state.skip(question.name)
            await responses.record_skip(session, response, question)
            continue
        for raw in [reply] if isinstance(reply, str) else reply:
            result = validate(question, raw, state, "fa", sources)
            assert not isinstance(result, Invalid), f"{question.name}: {raw!r} refused ({result.code})"
            state = state.answer(question.name, result.value)
            await responses.record(session, response, question, result.value, raw)
    await session.flush()
    if not finish:
        return response, []
    made = await responses.complete(session, await responses.progress(session, cache, response), participant)
    await session.flush()
    return response, made
