"""Survey responses: starting, saving each answer as it is given, completing."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any

from sqlalchemy import Insert, Select, bindparam, delete, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from backend.db import Executor, dialect_name
from backend.models import Answer, Finding, Participant, Response, Survey, SurveyVersion, utcnow
from backend.services.findings import new_finding
from backend.surveys.engine import SurveyState, asked_questions, refresh
from backend.surveys.model import Question, QuestionType, SurveyDefinition
from backend.surveys.values import from_json, to_json
from backend.text import normalize_persian

CITIZEN_POLL = "citizen_poll"
UNFINISHED = ("in_progress", "paused")
ANSWER_FIELDS = ("value", "skipped", "raw_text", "normalized_text", "answered_at")

_PARTICIPANTS, _RESPONSES, _ANSWERS = Participant.__table__, Response.__table__, Answer.__table__
_LATEST = _RESPONSES.alias("latest")
_LATEST_IN_PROGRESS = (
    select(func.max(_LATEST.c.id))
    .where(_LATEST.c.participant_id == _PARTICIPANTS.c.id, _LATEST.c.status == "in_progress")
    .correlate(_PARTICIPANTS)
    .scalar_subquery()
)
# Every reply reads its participant, their response in progress and its answers so far in this one
# statement (Core rows, no ORM objects), built once: building a statement and its cache key anew costs
# nearly as much Python as executing it.
REPLYING = (
    select(
        _PARTICIPANTS.c.id,
        _RESPONSES.c.id,
        _RESPONSES.c.survey_version_id,
        _ANSWERS.c.question,
        _ANSWERS.c.value,
        _ANSWERS.c.skipped,
    )
    .select_from(
        _PARTICIPANTS.outerjoin(_RESPONSES, _RESPONSES.c.id == _LATEST_IN_PROGRESS).outerjoin(
            _ANSWERS, _ANSWERS.c.response_id == _RESPONSES.c.id
        )
    )
    .where(_PARTICIPANTS.c.telegram_id == bindparam("messenger_id"))
)
"""Per reply: participant id, response id and version, then one row per stored answer (question, value,
skipped); the response columns are NULL when nothing is being answered."""
_READ = len(REPLYING.selected_columns)  # where a column added to it comes


@dataclass(frozen=True)
class ResponseRef:
    """The response being answered as a reply reads it: its ids only (no ORM object on that path)."""

    id: int
    survey_version_id: int


@dataclass(frozen=True)
class Progress:
    """A response with its definition and the state rebuilt from the stored answers."""

    response: Response | ResponseRef
    definition: SurveyDefinition
    state: SurveyState


class DefinitionCache:
    """Parsed definitions by version id (a version with responses never changes)."""

    def __init__(self) -> None:
        self._by_version: dict[int, SurveyDefinition] = {}

    async def get(self, executor: Executor, version_id: int) -> SurveyDefinition:
        """The definition of a survey version, parsed once per process."""
        found = self._by_version.get(version_id)
        if found is None:
            raw = await executor.scalar(select(SurveyVersion.definition).where(SurveyVersion.id == version_id))
            found = self._by_version[version_id] = SurveyDefinition.model_validate(raw)
        return found


async def in_progress(session: AsyncSession, participant_id: int) -> Response | None:
    """The response the participant is answering now, if any (replies go to it)."""
    return await session.scalar(
        select(Response)
        .where(Response.participant_id == participant_id, Response.status == "in_progress")
        .order_by(Response.id.desc())
        .limit(1)
    )


_STORED = select(_ANSWERS.c.question, _ANSWERS.c.value, _ANSWERS.c.skipped).where(
    _ANSWERS.c.response_id == bindparam("response_id")
)


async def unfinished(session: AsyncSession, participant_id: int) -> dict[int, Response]:
    """Unfinished (answering or paused) responses by survey id, for the "continue" buttons."""
    rows = (
        await session.execute(
            select(SurveyVersion.survey_id, Response)
            .join(Response, Response.survey_version_id == SurveyVersion.id)
            .where(Response.participant_id == participant_id, Response.status.in_(UNFINISHED))
            .order_by(Response.id)
        )
    ).all()
    return {survey_id: response for survey_id, response in rows}


async def completed_count(session: AsyncSession, participant_id: int, version_id: int) -> int:
    """How many responses the participant completed on one survey version."""
    return (
        await session.scalar(
            select(func.count())
            .select_from(Response)
            .where(
                Response.participant_id == participant_id,
                Response.survey_version_id == version_id,
                Response.status == "completed",
            )
        )
        or 0
    )


async def start(
    session: AsyncSession, participant: Participant, survey: Survey, version: SurveyVersion, language: str
) -> Response | None:
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
    response = Response(
        survey_version_id=version.id,
        participant_id=participant.id,
        language=language,
        district=participant.district,
        stakeholder_group=participant.stakeholder_group,
        started_at=utcnow(),
    )
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
    rows = await session.execute(_STORED, {"response_id": response.id})
    return Progress(response, definition, _state(definition, ((row[0], row[1], row[2]) for row in rows)))


@dataclass(frozen=True)
class Replying:
    """Who replies: their participant id, the progress of the response they are answering (None if none),
    and the first extra column of the statement read, if it had one (``REPLYING.add_columns``)."""

    participant_id: int
    progress: Progress | None
    extra: Any = None


async def replying(
    executor: Executor, cache: DefinitionCache, messenger_id: int, statement: Select[Any] = REPLYING
) -> Replying | None:
    """For a reply: the participant of a messenger account and the response they are answering now, read
    in one statement (``REPLYING``, or it with a column added); None if the account has no participant."""
    rows = (await executor.execute(statement, {"messenger_id": messenger_id})).all()
    if not rows:
        return None
    participant_id, response_id, version_id = rows[0][:3]
    extra = rows[0][_READ] if len(rows[0]) > _READ else None
    if response_id is None:
        return Replying(participant_id, None, extra)
    definition = await cache.get(executor, version_id)
    stored = ((row[3], row[4], row[5]) for row in rows if row[3] is not None)
    progress = Progress(ResponseRef(response_id, version_id), definition, _state(definition, stored))
    return Replying(participant_id, progress, extra)


def _state(definition: SurveyDefinition, stored: Iterable[tuple[str, Any, bool]]) -> SurveyState:
    """The engine state of stored (question, value, skipped) rows; answers to questions the definition no
    longer has are left out."""
    answers: dict[str, Any] = {}
    skipped: set[str] = set()
    for name, value, was_skipped in stored:
        try:
            question = definition.stored_question(name)
        except KeyError:
            continue
        if was_skipped:
            skipped.add(name)
        else:
            answers[name] = from_json(question, value)
    return refresh(definition, SurveyState(answers, frozenset(skipped)))


@cache
def _upsert_answer(dialect_name: str) -> Insert:
    """``INSERT … ON CONFLICT (response_id, question) DO UPDATE`` of every answer field, for one dialect."""
    insert = (postgresql if dialect_name == "postgresql" else sqlite).insert(Answer.__table__)
    return insert.on_conflict_do_update(
        index_elements=["response_id", "question"], set_={name: insert.excluded[name] for name in ANSWER_FIELDS}
    )


async def _put(executor: Executor, response: Response | ResponseRef, question: Question, **fields: Any) -> None:
    """Insert or replace the answer to ``question`` in one statement (response and question are unique)."""
    statement = _upsert_answer(dialect_name(executor))
    await executor.execute(
        statement, {"response_id": response.id, "question": question.name, "answered_at": utcnow(), **fields}
    )


async def record(
    executor: Executor, response: Response | ResponseRef, question: Question, value: Any, raw_text: str | None
) -> None:
    """Save (or replace) one answer as it is given; typed text is kept with its normalized form."""
    await _put(
        executor,
        response,
        question,
        value=to_json(value),
        skipped=False,
        raw_text=raw_text,
        normalized_text=normalize_persian(raw_text) if raw_text else None,
    )


async def record_skip(executor: Executor, response: Response | ResponseRef, question: Question) -> None:
    """Save that a question was passed without a value (a skip, or a note shown)."""
    await _put(executor, response, question, value=None, skipped=True, raw_text=None, normalized_text=None)


async def keep_only(executor: Executor, response: Response | ResponseRef, state: SurveyState) -> None:
    """Delete stored answers the state no longer has (after /back or an edit pruned them)."""
    visited = set(state.answers) | set(state.skipped)
    await executor.execute(
        delete(_ANSWERS).where(_ANSWERS.c.response_id == response.id, _ANSWERS.c.question.not_in(visited or {""}))
    )


def _metadata_value(kind: str, response: Response) -> Any:
    """start and end are the response's start and completion; today is the day it completed."""
    assert response.completed_at is not None
    return {"start": response.started_at, "end": response.completed_at, "today": response.completed_at.date()}[kind]


async def _record_derived(session: AsyncSession, progress: Progress) -> None:
    """Save the calculated values and the metadata the form asks for, so the export has them."""
    response, state = progress.response, progress.state
    assert isinstance(response, Response)
    for question in asked_questions(progress.definition, state):
        if question.type is QuestionType.CALCULATE:
            await record(session, response, question, state.derived.get(question.name, ""), None)
        elif question.type is QuestionType.METADATA:
            assert question.metadata is not None
            await record(session, response, question, _metadata_value(question.metadata, response), None)


async def complete(session: AsyncSession, progress: Progress, participant: Participant) -> list[Finding]:
    """Finish a response; each answered problem question becomes a ``citizen_poll`` finding."""
    response, definition, state = progress.response, progress.definition, progress.state
    assert isinstance(response, Response), "completed through the ORM: its status and times change"
    response.status = "completed"
    response.completed_at = utcnow()
    await _record_derived(session, progress)
    answer_ids = dict(
        (await session.execute(select(Answer.question, Answer.id).where(Answer.response_id == response.id))).all()
    )
    findings = []
    for question in definition.questions:
        value = state.answers.get(question.name)
        if question.type is QuestionType.PROBLEM and isinstance(value, dict) and value.get("text"):
            findings.append(
                new_finding(
                    kind="problem",
                    text=value["text"],
                    source=CITIZEN_POLL,
                    stakeholder_group=response.stakeholder_group,
                    axis=value.get("axis"),
                    district=response.district,
                    participant_id=participant.id,
                    answer_id=answer_ids.get(question.name),
                )
            )
    session.add_all(findings)
    return findings
