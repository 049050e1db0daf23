"""Per-user throttling: a user who sends more than ``MEYDAN_THROTTLE_LIMIT`` updates within
``MEYDAN_THROTTLE_WINDOW`` seconds (an album counts once) gets one polite "slow down" and is ignored
for ``MEYDAN_THROTTLE_PAUSE`` seconds; everyone else is served as usual. A facilitator logging an open
meeting or an NGO seated in an open forum may send up to ``MEYDAN_THROTTLE_WORK_LIMIT``, and each of
their messages past that is answered, as a reply to it, with the fact that it was not recorded.

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
from backend.context import AppContext
from backend.forums import use_cases as forums
from bot.counters import Counters
from bot.i18n import pick_language, t
from bot.middlewares import LANG_KEY

log = logging.getLogger("meydan.bot")


class ThrottleMiddleware(BaseMiddleware):
    """Counts each user's updates in a fixed window, an album once. Over ``limit``, someone at work in an
    open meeting or forum goes on up to ``work_limit`` and each message past it is answered with what was
    not recorded; anyone else gets one notice, then silence for ``pause`` seconds."""

    def __init__(self, counters: Counters, *, limit: int, window: int, pause: int, work_limit: int = 0) -> None:
        self.counters = counters
        self.limit = limit
        self.window = window
        self.pause = pause
        self.work_limit = work_limit

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
        if await self._album_counted(event, bot):
            return await handler(event, data)
        key = f"{bot.id}:throttle:{user.id}"
        count = await self.counters.hit(key, self.window)
        if count <= self.limit:
            return await handler(event, data)
        if self.work_limit > self.limit and await self._at_work(data, user):
            if count <= self.work_limit:
                return await handler(event, data)
            await self._tell(event, data, user, "limits.not_recorded", limit=self.work_limit, seconds=self.window)
        elif count == self.limit + 1:  # the first update over the limit: once per pause
            await self.counters.hold(key, self.pause)
            log.info("update %s: its sender is ignored for %s s", getattr(event, "update_id", "?"), self.pause)
            await self._tell(event, data, user, "limits.slow_down", seconds=self.pause)
        return UNHANDLED

    async def _at_work(self, data: dict[str, Any], user: User) -> bool:
        """Whether the user logs an open meeting or sits in an open forum: asked of the database once they
        are over the limit, then remembered beside the counter (updates arriving meanwhile ask too)."""
        bot: Bot = data["bot"]
        ttl = max(self.window, self.pause)
        idle, working = f"{bot.id}:idle:{user.id}", f"{bot.id}:at-work:{user.id}"
        if await self.counters.count(idle):
            return False
        if await self.counters.count(working):
            return True
        app: AppContext = data["app"]
        at_work = await forums.at_work(app, user.id)
        await self.counters.hit(working if at_work else idle, ttl)
        return at_work

    async def _album_counted(self, event: TelegramObject, bot: Bot) -> bool:
        """Whether the update is a later message of an album already counted."""
        message = event.message if isinstance(event, Update) else None
        if message is None or message.media_group_id is None:
            return False
        album = f"{bot.id}:throttle-album:{message.chat.id}:{message.media_group_id}"
        return await self.counters.hit(album, self.window) > 1

    async def _tell(self, event: TelegramObject, data: dict[str, Any], user: User, key: str, **params: Any) -> None:
        """An alert for a button press, else a reply to the message (so it is clear which one)."""
        bot: Bot = data["bot"]
        chat: Chat | None = data.get("event_chat")
        text = t(key, await _language(data, user, chat), **params)
        query = event.callback_query if isinstance(event, Update) else None
        message = event.message if isinstance(event, Update) else None
        try:
            if query is not None:
                await bot.answer_callback_query(query.id, text, show_alert=True)
            elif message is not None:
                await message.reply(text)
            elif chat is not None:
                await bot.send_message(chat.id, text)
        except TelegramAPIError as exc:
            log.warning("could not tell a throttled user so: %s", exc)


async def _language(data: dict[str, Any], user: User, chat: Chat | None) -> str:
    """The user's language from the conversation state (not loaded yet at this point), else Persian."""
    dispatcher: Dispatcher = data["dispatcher"]
    state = dispatcher.fsm.get_context(data["bot"], chat_id=chat.id if chat else user.id, user_id=user.id)
    return pick_language((await state.get_data()).get(LANG_KEY))


def install(dp: Dispatcher, settings: Settings, counters: Counters) -> None:
    """Throttle every update just before the conversation state middleware (none if the limit is 0)."""
    if settings.throttle_limit == 0:
        return
    throttle = ThrottleMiddleware(
        counters,
        limit=settings.throttle_limit,
        window=settings.throttle_window,
        pause=settings.throttle_pause,
        work_limit=settings.throttle_work_limit,
    )
    chain = dp.update.outer_middleware
    chain.unregister(dp.fsm)
    chain.register(throttle)
    chain.register(dp.fsm)
