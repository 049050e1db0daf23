"""The answer flow: load a citizen's response, apply one reply, send what comes next.

Every reply is saved in the same transaction that claims its update, so a re-delivered
update or a double tap changes nothing; what to ask next is always derived from the saved
answers, so a restart or a flushed state store resumes at the same question.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cached_property
from html import escape

from aiogram import Bot
from aiogram.types import InlineKeyboardMarkup
from sqlalchemy.ext.asyncio import AsyncSession

from backend.context import AppContext
from backend.models import Participant
from backend.services import responses
from backend.services.responses import Progress
from backend.surveys.engine import (
    Invalid,
    Raw,
    Result,
    Step,
    SurveyState,
    asked_questions,
    current_step,
    next_question,
    previous_question,
    prune,
    validate,
)
from backend.surveys.model import NOT_ASKED, Question, QuestionType, localize
from bot.i18n import t
from bot.surveys.render import location_keyboard, question_keyboard, question_text, review_message


@dataclass(frozen=True)
class Current:
    """A participant with their unfinished response, and the question it is at (None: review)."""

    participant: Participant
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

    def heading(self, lang: str) -> str | None:
        """For a repeat member: which repeat, and which instance of it."""
        question = self.question
        if question is None or question.instance is None or question.type is QuestionType.REPEAT_MORE:
            return None
        assert question.repeat is not None
        repeat = localize(self.progress.definition.repeat(question.repeat).label, lang) or question.repeat
        return t("surveys.repeat_instance", lang, repeat=repeat, number=question.instance)


async def load(session: AsyncSession, app: AppContext, user_id: int) -> Current | None:
    """The user's response in progress and its current question; None if they have none."""
    found = await responses.answering(session, user_id)
    if found is None or found[1] is None:
        return None
    participant, response = found
    progress = await responses.progress(session, app.definitions, response)
    return Current(participant, progress, next_question(progress.definition, progress.state, app.choice_sources))


def _visited(state: SurveyState) -> set[str]:
    return set(state.answers) | state.skipped


async def save(session: AsyncSession, app: AppContext, current: Current, state: SurveyState,
               raw_text: str | None = None) -> Current:
    """Store ``state`` (the current question's new value, or answers cleared) and prune the rest."""
    progress = current.progress
    pruned = prune(progress.definition, state, app.choice_sources)
    question = current.question
    if question is not None and question.name in pruned.answers:
        await responses.record(session, progress.response, question, pruned.answers[question.name], raw_text)
    elif question is not None and question.name in pruned.skipped:
        await responses.record_skip(session, progress.response, question)
    if _visited(progress.state) - _visited(pruned):
        await responses.keep_only(session, progress.response, pruned)
    updated = replace(progress, state=pruned)
    return replace(current, progress=updated,
                   question=next_question(progress.definition, pruned, app.choice_sources))


async def reply(session: AsyncSession, app: AppContext, current: Current, raw: Raw,
                lang: str, raw_text: str | None = None) -> tuple[Current, Invalid | None]:
    """Validate one reply (text, choice names, or a shared location or received file) to the
    current question and save it if valid."""
    assert current.question is not None
    result: Result = validate(current.question, raw, current.progress.state, lang, app.choice_sources)
    if isinstance(result, Invalid):
        return current, result
    state = current.progress.state.answer(current.question.name, result.value)
    return await save(session, app, current, state, raw_text), None


def error_text(question: Question, error: Invalid, lang: str) -> str:
    """The survey's own message for a failed constraint, else our default for the code."""
    if error.message:  # the survey author's text, sent as HTML: escaped
        return escape(error.message)
    return t(f"surveys.errors.{error.code}", lang)


async def show(bot: Bot, app: AppContext, chat_id: int, current: Current, lang: str,
               ticked: frozenset[str] = frozenset()) -> None:
    """Send the current question, or the review when all is answered; notes are shown and passed."""
    progress = current.progress
    while current.question is not None and current.question.type is QuestionType.NOTE:
        await bot.send_message(chat_id, _text(app, current, lang))
        async with app.sessions() as session, session.begin():
            current = await save(session, app, current, progress.state.skip(current.question.name))
        progress = current.progress
    if current.question is None:
        text, markup = review_message(progress.definition, progress.response.id, progress.state,
                                      app.choice_sources, lang)
        await bot.send_message(chat_id, text, reply_markup=markup)
        return
    question = current.question
    wants_location = question.type is QuestionType.GEOPOINT and current_step(question, progress.state) is Step.ANSWER
    await bot.send_message(
        chat_id, _text(app, current, lang),
        reply_markup=location_keyboard(lang) if wants_location else keyboard(app, current, lang, ticked),
    )


def _text(app: AppContext, current: Current, lang: str) -> str:
    assert current.question is not None
    return question_text(current.question, current.number, current.progress.state, lang, app.choice_sources,
                         current.heading(lang))


def keyboard(app: AppContext, current: Current, lang: str,
             ticked: frozenset[str] = frozenset()) -> InlineKeyboardMarkup | None:
    """The buttons under the current question (options, then back and skip where they apply)."""
    progress, question = current.progress, current.question
    assert question is not None
    back = bool(progress.state.answers.get(question.name)) or previous_question(
        progress.definition, progress.state, question.name) is not None
    return question_keyboard(question, current.index, progress.response.id, progress.state, app.choice_sources,
                             lang, ticked=ticked, can_go_back=back)
