"""The last line of defence: log the failed update and answer the user politely.

The database or Redis being briefly away (a restart, a failover, a lock held too long) is told apart
from a bug: the user is asked to try again in a few seconds, and the log gets one warning line.
"""

from __future__ import annotations

import logging

from aiogram import Bot, Dispatcher, Router
from aiogram.exceptions import TelegramAPIError
from aiogram.types import ErrorEvent
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from sqlalchemy.exc import DBAPIError, DisconnectionError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError

from backend.errors import Refused
from bot.guard import refusal_text
from bot.i18n import pick_language, t
from bot.middlewares import LANG_KEY

log = logging.getLogger("meydan.bot")

_UNREACHABLE = (
    RedisConnectionError,
    RedisTimeoutError,
    DisconnectionError,
    PoolTimeoutError,
    ConnectionError,
    TimeoutError,
)
# SQLite: busy or locked beyond the busy timeout, the file not openable, I/O failing.
_SQLITE_TRANSIENT = ("SQLITE_BUSY", "SQLITE_LOCKED", "SQLITE_CANTOPEN", "SQLITE_IOERR", "SQLITE_PROTOCOL")
# PostgreSQL SQLSTATE classes: connection exception, operator intervention (shutdown, cannot connect
# now), insufficient resources; and serialization failure or deadlock, which a retry resolves.
_POSTGRES_TRANSIENT = ("08", "57P", "53", "40001", "40P01")


def is_transient(exc: BaseException) -> bool:
    """Whether ``exc``, or an exception that caused it, is the database or Redis briefly unreachable or busy."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, _UNREACHABLE):
            return True
        if isinstance(current, DBAPIError) and current.connection_invalidated:
            return True
        if str(getattr(current, "sqlite_errorname", "")).startswith(_SQLITE_TRANSIENT):
            return True
        if str(getattr(current, "sqlstate", None) or "").startswith(_POSTGRES_TRANSIENT):
            return True
        current = current.__cause__ or current.__context__
    return False


async def _language(dispatcher: Dispatcher, bot: Bot, chat_id: int, user_id: int) -> str:
    try:
        data = await dispatcher.fsm.get_context(bot, chat_id=chat_id, user_id=user_id).get_data()
    except Exception:  # the state store may be what failed; Persian is a safe default
        return pick_language(None)
    return pick_language(data.get(LANG_KEY))


async def on_error(event: ErrorEvent, bot: Bot, dispatcher: Dispatcher) -> bool:
    """Log the update id (with the traceback, unless the database or Redis was briefly away); tell the
    user, never showing the traceback."""
    update = event.update
    refused = event.exception if isinstance(event.exception, Refused) else None
    transient = refused is None and is_transient(event.exception)
    if refused is not None:  # a refusal outside a guarded handler: said as the guard says it
        log.info("update %s refused: %s", update.update_id, refused.key)
    elif transient:
        reason = (str(event.exception).splitlines() or [""])[0][:200]
        log.warning(
            "update %s failed: database or Redis unreachable (%s: %s); the user is asked to try again",
            update.update_id,
            event.exception.__class__.__name__,
            reason,
        )
    else:
        log.error("update %s failed", update.update_id, exc_info=event.exception)
    query, message = update.callback_query, update.message
    user = query.from_user if query is not None else message.from_user if message is not None else None
    if user is None:
        return True
    chat_id = message.chat.id if message is not None else user.id
    lang = await _language(dispatcher, bot, chat_id, user.id)
    if refused is not None:
        text = refusal_text(refused, lang, html=query is None)
    else:
        text = t("faults.try_again" if transient else "errors.generic", lang)
    try:
        if query is not None:
            try:
                await query.answer(text, show_alert=True)
                return True
            except TelegramAPIError:  # already answered before the failure: say it in the chat
                pass
        if refused is not None:  # the chat reads HTML: the refusal's user text escaped
            text = refusal_text(refused, lang, html=True)
        await bot.send_message(chat_id, text)
    except TelegramAPIError:
        log.warning("could not tell the user about the failed update %s", update.update_id)
    return True


def router() -> Router:
    """The error handler for every update."""
    r = Router(name="errors")
    r.errors.register(on_error)
    return r
