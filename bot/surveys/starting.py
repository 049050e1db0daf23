"""Opening a survey for a participant: a new response, or the unfinished one resumed."""

from __future__ import annotations

from html import escape
from aiogram import Bot
from sqlalchemy import select

from backend.jalali import utcnow
from backend.models import Participant, Survey
from backend.services import responses, surveys
from backend.surveys.engine import next_question
from backend.surveys.model import localize
from backend.context import AppContext
from bot.i18n import t
from bot.surveys import flow


async def begin_survey(bot: Bot, app: AppContext, chat_id: int, participant: Participant, lang: str, *,
                       code: str | None = None, survey_id: int | None = None) -> bool:
    """Start or resume a survey (by code or id) and ask its current question; False if unavailable."""
    async with app.sessions() as session, session.begin():
        query = select(Survey).where(Survey.code == code if code is not None else Survey.id == survey_id)
        survey = await session.scalar(query)
        response = None
        if survey is not None and surveys.is_open_now(survey, utcnow()):
            version = await surveys.latest_version(session, survey.id)
            response = await responses.start(session, participant, survey, version, lang)
            progress = await responses.progress(session, app.definitions, response) if response else None
    if survey is None or not surveys.is_open_now(survey, utcnow()):
        await bot.send_message(chat_id, t("surveys.not_available", lang))
        return False
    if response is None or progress is None:
        await bot.send_message(chat_id, t("surveys.already_answered", lang))
        return True
    definition = progress.definition
    current = flow.Current(participant, progress, next_question(definition, progress.state, app.choice_sources))
    if not progress.state.answers and not progress.state.skipped:
        description = localize(definition.description, lang) if definition.description else ""
        await bot.send_message(chat_id, t("surveys.started", lang, title=escape(localize(definition.title, lang)),
                                          description=description))
    await flow.show(bot, app, chat_id, current, lang)
    return True
