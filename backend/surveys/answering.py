"""Answering a survey, the use cases: open it, reply, skip or go back, pass a note, edit from the review,
submit, pause.

Each reply is saved in the one transaction that claims its update, so a re-delivered update or a double
tap changes nothing; what to ask next is always derived from the saved answers, so a restart or a flushed
state store resumes at the same question. A press or reply meant for a question the response has left
is ``Stale``: nothing changes and the adapter says so.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import cached_property
from typing import Literal

from sqlalchemy import select

from backend.context import AppContext, Claim, core_transaction, transaction
from backend.db import Executor
from backend.errors import Refused
from backend.forums import service as forum_service
from backend.jalali import utcnow
from backend.models import Participant, Response, Survey
from backend.participants import service as participants
from backend.services import responses, surveys
from backend.services.responses import Progress
from backend.surveys.engine import (
    Invalid,
    Raw,
    Step,
    SurveyState,
    asked_questions,
    can_skip,
    current_step,
    next_question,
    previous_question,
    prune,
    step_back,
    validate,
)
from backend.surveys.model import NOT_ASKED, Question


@dataclass(frozen=True)
class Current:
    """A participant (by id) with their unfinished response, and the question it is at (None: review)."""

    participant_id: int
    progress: Progress
    question: Question | None

    @cached_property
    def asked(self) -> list[Question]:
        """The questions as asked now (repeats unrolled): buttons point into this list."""
        return asked_questions(self.progress.definition, self.progress.state)

    @property
    def index(self) -> int:
        """The question's index among the questions asked (-1 at the review)."""
        return -1 if self.question is None else [q.name for q in self.asked].index(self.question.name)

    @property
    def number(self) -> int:
        """The question's number as the respondent sees it (calculations and metadata are not counted)."""
        return sum(1 for question in self.asked[: self.index + 1] if question.type not in NOT_ASKED)

    @property
    def can_go_back(self) -> bool:
        """Whether "back" applies: the question has a value to take back, or one was asked before it."""
        progress, question = self.progress, self.question
        assert question is not None
        return (
            bool(progress.state.answers.get(question.name))
            or previous_question(progress.definition, progress.state, question.name) is not None
        )


@dataclass(frozen=True)
class Answered:
    """A reply taken: the question it answered, what comes next (that question again if ``invalid``)."""

    before: Current
    after: Current
    invalid: Invalid | None


@dataclass(frozen=True)
class Stale:
    """A reply or press for a question the response is no longer at: nothing changed. ``current`` is
    where the respondent is now (None: answering nothing)."""

    current: Current | None


@dataclass(frozen=True)
class Opened:
    """A survey opened: its response and question (None: already answered, and repeats are off);
    ``fresh`` when nothing is answered yet (the survey's introduction comes first)."""

    current: Current | None
    fresh: bool


Fresh = Callable[[Current], bool]
"""Whether a reply or press still applies to where the response is now."""


def asking(current: Current) -> bool:
    """Fresh while some question is asked (not at the review)."""
    return current.question is not None


def at(response_id: int, index: int, place: int | None = None) -> Fresh:
    """Fresh only at the question shown with that index of that response (for a ranking, at the same
    place: ``picked``)."""

    def fresh(current: Current) -> bool:
        if current.question is None or current.progress.response.id != response_id or current.index != index:
            return False
        return place is None or picked(current.question, current.progress.state) == place

    return fresh


def at_review(response_id: int) -> Fresh:
    """Fresh only while that response is at its review."""
    return lambda current: current.question is None and current.progress.response.id == response_id


def picked(question: Question, state: SurveyState) -> int:
    """How many places of a ranking are picked while it is being ranked; 0 otherwise."""
    return len(state.answers.get(question.name) or ()) if current_step(question, state) is Step.RANK_PICK else 0


class Engaged(Exception):
    """The sender sets up or logs a meeting, or sits in an open forum: what they type is its record, not a
    survey answer. Raised inside the transaction, so the update's claim is rolled back."""


_REPLYING_UNLESS_ENGAGED = responses.REPLYING.add_columns(
    forum_service.engaged(Participant.__table__.c.id).label("engaged")
)


async def _load(executor: Executor, app: AppContext, messenger_id: int, unless_engaged: bool = False) -> Current | None:
    """Where the respondent is, read in one statement (the definition is cached per version); with
    ``unless_engaged`` the same statement says whether a meeting or forum comes first (``Engaged``)."""
    statement = _REPLYING_UNLESS_ENGAGED if unless_engaged else responses.REPLYING
    found = await responses.replying(executor, app.definitions, messenger_id, statement)
    if found is not None and found.extra:
        raise Engaged(messenger_id)
    if found is None or found.progress is None:
        return None
    progress = found.progress
    return Current(
        found.participant_id, progress, next_question(progress.definition, progress.state, app.choice_sources)
    )


async def where(app: AppContext, messenger_id: int) -> Current | None:
    """The respondent's response in progress and its current question; None if they answer nothing."""
    async with app.engine.connect() as connection:
        return await _load(connection, app, messenger_id)


def _visited(state: SurveyState) -> set[str]:
    return set(state.answers) | state.skipped


async def _save(
    executor: Executor, app: AppContext, current: Current, state: SurveyState, raw_text: str | None = None
) -> Current:
    """Store ``state`` (the current question's new value, or answers cleared) and prune the rest."""
    progress = current.progress
    pruned = prune(progress.definition, state, app.choice_sources)
    question = current.question
    if question is not None and question.name in pruned.answers:
        await responses.record(executor, progress.response, question, pruned.answers[question.name], raw_text)
    elif question is not None and question.name in pruned.skipped:
        await responses.record_skip(executor, progress.response, question)
    if _visited(progress.state) - _visited(pruned):
        await responses.keep_only(executor, progress.response, pruned)
    updated = replace(progress, state=pruned)
    return replace(current, progress=updated, question=next_question(progress.definition, pruned, app.choice_sources))


async def _reply(
    executor: Executor, app: AppContext, current: Current, raw: Raw, lang: str, raw_text: str | None
) -> Answered:
    assert current.question is not None
    result = validate(current.question, raw, current.progress.state, lang, app.choice_sources)
    if isinstance(result, Invalid):
        return Answered(current, current, result)
    state = current.progress.state.answer(current.question.name, result.value)
    return Answered(current, await _save(executor, app, current, state, raw_text), None)


async def answer(
    app: AppContext,
    claim: Claim,
    messenger_id: int,
    fresh: Fresh,
    reply: Callable[[Current], Raw | None],
    lang: str,
    raw_text: str | None = None,
    *,
    unless_engaged: bool = False,
) -> Answered | Stale:
    """Validate one reply to the current question (typed text, option names, a shared point or a received
    file: ``reply`` of the question, None when it no longer applies) and save it if valid; ``raw_text``
    is what was typed, kept with the answer. With ``unless_engaged``, ``Engaged`` (nothing changed) if
    the sender's meeting or forum takes what they type."""
    async with app.write_turn(), core_transaction(app, claim) as connection:
        current = await _load(connection, app, messenger_id, unless_engaged)
        raw = reply(current) if current is not None and fresh(current) else None
        if current is None or raw is None:
            return Stale(current)
        return await _reply(connection, app, current, raw, lang, raw_text)


async def navigate(
    app: AppContext, claim: Claim, messenger_id: int, fresh: Fresh, action: Literal["skip", "back"]
) -> Current | Stale:
    """Skip the current question or go back one; Refused when the question does not allow it."""
    async with app.write_turn(), core_transaction(app, claim) as connection:
        current = await _load(connection, app, messenger_id)
        if current is None or not fresh(current):
            return Stale(current)
        question, state = current.question, current.progress.state
        assert question is not None
        if action == "skip":
            if not can_skip(question):
                raise Refused("surveys.cannot_skip")
            new_state = state.skip(question.name)
        else:
            new_state = step_back(current.progress.definition, state, question.name)
            if new_state == state:
                raise Refused("surveys.nothing_before")
        return await _save(connection, app, current, new_state)


async def pass_note(app: AppContext, current: Current) -> Current:
    """A note has been shown: it is passed like a skipped question; what comes after it."""
    assert current.question is not None
    async with core_transaction(app) as connection:
        return await _save(connection, app, current, current.progress.state.skip(current.question.name))


async def edit(app: AppContext, claim: Claim, messenger_id: int, response_id: int, index: int) -> Current | Stale:
    """From the review: clear the answer to the question at ``index`` so it is asked again."""
    async with app.write_turn(), core_transaction(app, claim) as connection:
        current = await _load(connection, app, messenger_id)
        if current is None or not at_review(response_id)(current) or not 0 <= index < len(current.asked):
            return Stale(current)
        return await _save(connection, app, current, current.progress.state.clear(current.asked[index].name))


async def submit(app: AppContext, claim: Claim, messenger_id: int, response_id: int) -> Current | Stale:
    """Submit the reviewed response: it is completed and its problems become findings."""
    async with app.write_turn(), transaction(app, claim) as session:
        current = await _load(session, app, messenger_id)
        if current is None or not at_review(response_id)(current):
            return Stale(current)
        response = await session.get(Response, response_id)
        participant = await session.get(Participant, current.participant_id)
        assert response is not None and participant is not None  # read just now in this transaction
        await responses.complete(session, replace(current.progress, response=response), participant)
        return current


async def pause(app: AppContext, messenger_id: int) -> bool:
    """/cancel: pause the response being answered, its answers kept for later; False if there is none."""
    async with transaction(app) as session:
        participant = await participants.by_messenger_id(session, messenger_id)
        return participant is not None and await responses.pause(session, participant.id) is not None


async def open_survey(
    app: AppContext, who: Participant | int, lang: str, *, code: str | None = None, survey_id: int | None = None
) -> Opened:
    """Start or resume a survey (by code or id) for a participant (or the one linked to a messenger id);
    Refused if there is no such participant, or no such survey open now."""
    async with transaction(app) as session:
        participant = who if isinstance(who, Participant) else await participants.by_messenger_id(session, who)
        if participant is None:
            raise Refused("surveys.no_active")
        query = select(Survey).where(Survey.code == code if code is not None else Survey.id == survey_id)
        survey = await session.scalar(query)
        if survey is None or not surveys.is_open_now(survey, utcnow()):
            raise Refused("surveys.not_available")
        version = await surveys.latest_version(session, survey.id)
        response = await responses.start(session, participant, survey, version, lang)
        if response is None:
            return Opened(None, False)
        progress = await responses.progress(session, app.definitions, response)
    current = Current(participant.id, progress, next_question(progress.definition, progress.state, app.choice_sources))
    return Opened(current, not progress.state.answers and not progress.state.skipped)
