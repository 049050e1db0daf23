"""Per-user throttling: a user who sends more than ``MEYDAN_THROTTLE_LIMIT`` updates within
``MEYDAN_THROTTLE_WINDOW`` seconds gets one polite "slow down" and is ignored for
``MEYDAN_THROTTLE_PAUSE`` seconds; everyone else is served as usual.

The check runs on every update before its conversation state is loaded (and, with Redis, before
the per-user lock is taken), so an ignored update costs one counter hit and nothing else.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware, Bot, Dispatcher
from aiogram.dispatcher.event.bases import UNHANDLED
from aiogram.exceptions import TelegramAPIError
from aiogram.types import Chat, TelegramObject, Update, User

from backend.config import Settings
from bot.counters import Counters
from bot.i18n import pick_language, t
from bot.middlewares import LANG_KEY

log = logging.getLogger("meydan.bot")


class ThrottleMiddleware(BaseMiddleware):
    """Counts each user's updates in a fixed window; over the limit, one notice, then silence."""

    def __init__(self, counters: Counters, *, limit: int, window: int, pause: int) -> None:
        self.counters = counters
        self.limit = limit
        self.window = window
        self.pause = pause

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        user: User | None = data.get("event_from_user")
        if user is None:  # channel posts and the like: nobody to throttle
            return await handler(event, data)
        bot: Bot = data["bot"]
        key = f"{bot.id}:throttle:{user.id}"
        count = await self.counters.hit(key, self.window)
        if count <= self.limit:
            return await handler(event, data)
        if count == self.limit + 1:  # the first update over the limit: once per pause
            await self.counters.hold(key, self.pause)
            log.info("update %s: its sender is ignored for %s s", getattr(event, "update_id", "?"), self.pause)
            await self._slow_down(event, data, user)
        return UNHANDLED

    async def _slow_down(self, event: TelegramObject, data: dict[str, Any], user: User) -> None:
        """The notice: an alert for a button press, else a message in the chat."""
        bot: Bot = data["bot"]
        chat: Chat | None = data.get("event_chat")
        text = t("limits.slow_down", await _language(data, user, chat), seconds=self.pause)
        query = event.callback_query if isinstance(event, Update) else None
        try:
            if query is not None:
                await bot.answer_callback_query(query.id, text, show_alert=True)
            elif chat is not None:
                await bot.send_message(chat.id, text)
        except TelegramAPIError as exc:
            log.warning("could not tell a throttled user to slow down: %s", exc)


async def _language(data: dict[str, Any], user: User, chat: Chat | None) -> str:
    """The user's language from the conversation state (not loaded yet at this point), else Persian."""
    dispatcher: Dispatcher = data["dispatcher"]
    state = dispatcher.fsm.get_context(data["bot"], chat_id=chat.id if chat else user.id, user_id=user.id)
    return pick_language((await state.get_data()).get(LANG_KEY))


def install(dp: Dispatcher, settings: Settings, counters: Counters) -> None:
    """Throttle every update just before the conversation state middleware (none if the limit is 0)."""
    if settings.throttle_limit == 0:
        return
    throttle = ThrottleMiddleware(counters, limit=settings.throttle_limit, window=settings.throttle_window,
                                  pause=settings.throttle_pause)
    chain = dp.update.outer_middleware
    chain.unregister(dp.fsm)
    chain.register(throttle)
    chain.register(dp.fsm)
