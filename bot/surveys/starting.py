"""Opening a survey for a participant: a new response, or the unfinished one resumed."""

from __future__ import annotations

from html import escape

from aiogram import Bot

from backend.context import AppContext
from backend.errors import Refused
from backend.models import Participant
from backend.surveys import answering
from backend.surveys.model import localize
from bot.i18n import t
from bot.surveys import flow


async def begin_survey(
    bot: Bot,
    app: AppContext,
    chat_id: int,
    participant: Participant | int,
    lang: str,
    *,
    code: str | None = None,
    survey_id: int | None = None,
) -> bool:
    """Start or resume a survey (by code or id) for a participant (or the one linked to a messenger id) and
    ask its current question; False if unavailable."""
    try:
        opened = await answering.open_survey(app, participant, lang, code=code, survey_id=survey_id)
    except Refused as refused:
        await bot.send_message(chat_id, t(refused.key, lang, **refused.params))
        return False
    if opened.current is None:
        await bot.send_message(chat_id, t("surveys.already_answered", lang))
        return True
    definition = opened.current.progress.definition
    if opened.fresh:
        description = localize(definition.description, lang) if definition.description else ""
        await bot.send_message(
            chat_id, t("surveys.started", lang, title=escape(localize(definition.title, lang)), description=description)
        )
    await flow.show(bot, app, chat_id, opened.current, lang)
    return True
