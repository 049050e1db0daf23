"""Survey responses: starting, saving each answer as it is given, completing."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.models import Answer, Finding, Participant, Response, Survey, SurveyVersion, utcnow
from backend.services.findings import new_finding
from backend.surveys.engine import SurveyState
from backend.surveys.model import Question, QuestionType, SurveyDefinition
from backend.surveys.values import from_json, to_json
from backend.text import normalize_persian

CITIZEN_POLL = "citizen_poll"
UNFINISHED = ("in_progress", "paused")


@dataclass(frozen=True)
class Progress:
    """A response with its definition and the state rebuilt from the stored answers."""

    response: Response
    definition: SurveyDefinition
    state: SurveyState


class DefinitionCache:
    """Parsed definitions by version id (a version with responses never changes)."""

    def __init__(self) -> None:
        self._by_version: dict[int, SurveyDefinition] = {}

    async def get(self, session: AsyncSession, version_id: int) -> SurveyDefinition:
        """The definition of a survey version, parsed once per process."""
        found = self._by_version.get(version_id)
        if found is None:
            raw = await session.scalar(select(SurveyVersion.definition).where(SurveyVersion.id == version_id))
            found = self._by_version[version_id] = SurveyDefinition.model_validate(raw)
        return found


async def in_progress(session: AsyncSession, participant_id: int) -> Response | None:
    """The response the participant is answering now, if any (replies go to it)."""
    return await session.scalar(
        select(Response).where(Response.participant_id == participant_id, Response.status == "in_progress")
        .order_by(Response.id.desc()).limit(1)
    )


async def unfinished(session: AsyncSession, participant_id: int) -> dict[int, Response]:
    """Unfinished (answering or paused) responses by survey id, for the "continue" buttons."""
    rows = (await session.execute(
        select(SurveyVersion.survey_id, Response).join(Response, Response.survey_version_id == SurveyVersion.id)
        .where(Response.participant_id == participant_id, Response.status.in_(UNFINISHED))
        .order_by(Response.id)
    )).all()
    return {survey_id: response for survey_id, response in rows}


async def completed_count(session: AsyncSession, participant_id: int, version_id: int) -> int:
    """How many responses the participant completed on one survey version."""
    return await session.scalar(select(func.count()).select_from(Response).where(
        Response.participant_id == participant_id, Response.survey_version_id == version_id,
        Response.status == "completed")) or 0


async def start(session: AsyncSession, participant: Participant, survey: Survey, version: SurveyVersion,
                language: str) -> Response | None:
    """The response to answer ``survey`` with: the unfinished one if any, else a new one on
    ``version``; None if the participant already completed that version and repeats are off.

    Whatever else the participant was answering is paused, never thrown away.
    """
    unfinished_by_survey = await unfinished(session, participant.id)
    for survey_id, other in unfinished_by_survey.items():
        if survey_id != survey.id and other.status == "in_progress":
            other.status = "paused"
    resumed = unfinished_by_survey.get(survey.id)
    if resumed is not None:
        resumed.status = "in_progress"
        return resumed
    if not survey.allow_multiple and await completed_count(session, participant.id, version.id):
        return None
    response = Response(survey_version_id=version.id, participant_id=participant.id, language=language,
                        district=participant.district, stakeholder_group=participant.stakeholder_group,
                        started_at=utcnow())
    session.add(response)
    await session.flush()
    return response


async def pause(session: AsyncSession, participant_id: int) -> Response | None:
    """Pause the response being answered (/cancel); its answers are kept for later."""
    response = await in_progress(session, participant_id)
    if response is not None:
        response.status = "paused"
    return response


async def progress(session: AsyncSession, cache: DefinitionCache, response: Response) -> Progress:
    """The response's definition and its answers so far as an engine state."""
    definition = await cache.get(session, response.survey_version_id)
    rows = (await session.scalars(select(Answer).where(Answer.response_id == response.id))).all()
    answers: dict[str, Any] = {}
    skipped: set[str] = set()
    for row in rows:
        try:
            question = definition.question(row.question)
        except KeyError:
            continue
        if row.skipped:
            skipped.add(row.question)
        else:
            answers[row.question] = from_json(question, row.value)
    return Progress(response, definition, SurveyState(answers, frozenset(skipped)))


async def _row(session: AsyncSession, response: Response, name: str) -> Answer:
    row = await session.scalar(select(Answer).where(Answer.response_id == response.id, Answer.question == name))
    if row is None:
        row = Answer(response_id=response.id, question=name)
        session.add(row)
    row.answered_at = utcnow()
    return row


async def record(session: AsyncSession, response: Response, question: Question, value: Any,
                 raw_text: str | None) -> None:
    """Save (or replace) one answer as it is given; typed text is kept with its normalized form."""
    row = await _row(session, response, question.name)
    row.value, row.skipped = to_json(value), False
    row.raw_text = raw_text
    row.normalized_text = normalize_persian(raw_text) if raw_text else None


async def record_skip(session: AsyncSession, response: Response, question: Question) -> None:
    """Save that a question was passed without a value (a skip, or a note shown)."""
    row = await _row(session, response, question.name)
    row.value, row.skipped, row.raw_text, row.normalized_text = None, True, None, None


async def keep_only(session: AsyncSession, response: Response, state: SurveyState) -> None:
    """Delete stored answers the state no longer has (after /back or an edit pruned them)."""
    visited = set(state.answers) | set(state.skipped)
    await session.execute(delete(Answer).where(Answer.response_id == response.id,
                                                Answer.question.not_in(visited or {""})))


async def complete(session: AsyncSession, progress: Progress, participant: Participant) -> list[Finding]:
    """Finish a response; each answered problem question becomes a ``citizen_poll`` finding."""
    response, definition, state = progress.response, progress.definition, progress.state
    response.status = "completed"
    response.completed_at = utcnow()
    answer_ids = dict((await session.execute(
        select(Answer.question, Answer.id).where(Answer.response_id == response.id)
    )).all())
    findings = []
    for question in definition.questions:
        value = state.answers.get(question.name)
        if question.type is QuestionType.PROBLEM and isinstance(value, dict) and value.get("text"):
            findings.append(new_finding(
                kind="problem", text=value["text"], source=CITIZEN_POLL, stakeholder_group=response.stakeholder_group,
                axis=value.get("axis"), district=response.district, participant_id=participant.id,
                answer_id=answer_ids.get(question.name),
            ))
    session.add_all(findings)
    return findings
