"""The last line of defence: log the failed update and answer the user politely."""

from __future__ import annotations

import logging

from aiogram import Bot, Dispatcher, Router
from aiogram.exceptions import TelegramAPIError
from aiogram.types import ErrorEvent

from bot.i18n import pick_language, t
from bot.middlewares import LANG_KEY

log = logging.getLogger("meydan.bot")


async def _language(dispatcher: Dispatcher, bot: Bot, chat_id: int, user_id: int) -> str:
    try:
        data = await dispatcher.fsm.get_context(bot, chat_id=chat_id, user_id=user_id).get_data()
    except Exception:  # the state store may be what failed; Persian is a safe default
        return pick_language(None)
    return pick_language(data.get(LANG_KEY))


async def on_error(event: ErrorEvent, bot: Bot, dispatcher: Dispatcher) -> bool:
    """Log the update id with the traceback; tell the user, never showing the traceback."""
    update = event.update
    log.error("update %s failed", update.update_id, exc_info=event.exception)
    query, message = update.callback_query, update.message
    user = query.from_user if query is not None else message.from_user if message is not None else None
    if user is None:
        return True
    chat_id = message.chat.id if message is not None else user.id
    text = t("errors.generic", await _language(dispatcher, bot, chat_id, user.id))
    try:
        if query is not None:
            try:
                await query.answer(text, show_alert=True)
                return True
            except TelegramAPIError:  # already answered before the failure: say it in the chat
                pass
        await bot.send_message(chat_id, text)
    except TelegramAPIError:
        log.warning("could not tell the user about the failed update %s", update.update_id)
    return True


def router() -> Router:
    """The error handler for every update."""
    r = Router(name="errors")
    r.errors.register(on_error)
    return r
