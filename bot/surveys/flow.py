"""Showing where a respondent is (``backend.surveys.answering.Current``): the current question with its
buttons, or the review; the notes on the way are shown and passed."""

from __future__ import annotations

from html import escape

from aiogram import Bot
from aiogram.types import InlineKeyboardMarkup

from backend.context import AppContext
from backend.surveys import answering
from backend.surveys.answering import Current
from backend.surveys.engine import Invalid, Step, current_step
from backend.surveys.model import Question, QuestionType, localize
from bot.i18n import t
from bot.surveys.render import location_keyboard, question_keyboard, question_text, review_message


def heading(current: Current, lang: str) -> str | None:
    """For a repeat member: which repeat, and which instance of it."""
    question = current.question
    if question is None or question.instance is None or question.type is QuestionType.REPEAT_MORE:
        return None
    assert question.repeat is not None
    repeat = localize(current.progress.definition.repeat(question.repeat).label, lang) or question.repeat
    return t("surveys.repeat_instance", lang, repeat=repeat, number=question.instance)


def error_text(question: Question, error: Invalid, lang: str) -> str:
    """The survey's own message for a failed constraint, else our default for the code."""
    if error.message:  # the survey author's text, sent as HTML: escaped
        return escape(error.message)
    return t(f"surveys.errors.{error.code}", lang)


async def show(
    bot: Bot, app: AppContext, chat_id: int, current: Current, lang: str, ticked: frozenset[str] = frozenset()
) -> None:
    """Send the current question, or the review when all is answered; notes are shown and passed."""
    while current.question is not None and current.question.type is QuestionType.NOTE:
        await bot.send_message(chat_id, _text(app, current, lang))
        current = await answering.pass_note(app, current)
    progress = current.progress
    if current.question is None:
        text, markup = review_message(
            progress.definition, progress.response.id, progress.state, app.choice_sources, lang
        )
        await bot.send_message(chat_id, text, reply_markup=markup)
        return
    question = current.question
    wants_location = question.type is QuestionType.GEOPOINT and current_step(question, progress.state) is Step.ANSWER
    await bot.send_message(
        chat_id,
        _text(app, current, lang),
        reply_markup=location_keyboard(lang) if wants_location else keyboard(app, current, lang, ticked),
    )


def _text(app: AppContext, current: Current, lang: str) -> str:
    assert current.question is not None
    return question_text(
        current.question, current.number, current.progress.state, lang, app.choice_sources, heading(current, lang)
    )


def keyboard(
    app: AppContext, current: Current, lang: str, ticked: frozenset[str] = frozenset()
) -> InlineKeyboardMarkup | None:
    """The buttons under the current question (options, then back and skip where they apply)."""
    assert current.question is not None
    return question_keyboard(
        current.question,
        current.index,
        current.progress.response.id,
        current.progress.state,
        app.choice_sources,
        lang,
        ticked=ticked,
        can_go_back=current.can_go_back,
    )
