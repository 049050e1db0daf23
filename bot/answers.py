"""The answer path's one dispatch: an answer is recognized once and handed straight to its survey
handler, instead of being offered to every router's filters in turn (the routers and their middlewares
cost more Python per update than the answer itself). A press on a survey question's buttons is known by
its callback prefix; typed text (no command, no conversation state such as a vote's reason being typed)
is an answer unless the sender's meeting or forum takes it, which the answer's own read of the database
tells (``answering.Engaged``: then it goes to the routers). Everything else goes to the routers as before.

Registered as the dispatcher's last message and button-press middleware, so an answer has been
throttled, checked for size, isolated per user and given its ``state`` and ``lang`` as through the routers.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware, Dispatcher
from aiogram.filters.callback_data import CallbackData
from aiogram.types import CallbackQuery, Message, TelegramObject

from backend.surveys.answering import Engaged
from bot.handlers import surveys
from bot.surveys.callbacks import Done, Nav, Pick, Toggle

Handler = Callable[..., Awaitable[Any]]
Next = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]

# The presses of a question being answered: callback prefix, its data, its handler and what it takes.
ROUTES: dict[str, tuple[type[CallbackData], Handler, tuple[str, ...]]] = {
    Pick.__prefix__: (Pick, surveys.pick, ("bot", "app", "event_update")),
    Toggle.__prefix__: (Toggle, surveys.toggle, ("app",)),
    Done.__prefix__: (Done, surveys.done, ("bot", "app", "event_update")),
    Nav.__prefix__: (Nav, surveys.nav_button, ("bot", "app", "event_update")),
}


class AnswerRoute(BaseMiddleware):
    """Routes a survey question's button press to its handler once; anything else to ``handler``."""

    async def __call__(self, handler: Next, event: TelegramObject, data: dict[str, Any]) -> Any:
        if isinstance(event, Message):
            return await self._typed(handler, event, data)
        pressed = event.data if isinstance(event, CallbackQuery) else None
        route = ROUTES.get(pressed.partition(":")[0]) if pressed else None
        if not isinstance(event, CallbackQuery) or pressed is None or route is None:
            return await handler(event, data)
        kind, answer, takes = route
        try:
            callback_data = kind.unpack(pressed)
        except (TypeError, ValueError):  # a keyboard of an earlier release, or forged
            return await surveys.outdated_press(event, bot=data["bot"], app=data["app"], lang=data["lang"])
        given = {name: data[name] for name in takes}
        return await answer(event, callback_data=callback_data, lang=data["lang"], **given)

    async def _typed(self, handler: Next, message: Message, data: dict[str, Any]) -> Any:
        if not message.text or message.text.startswith("/") or data.get("raw_state") is not None:
            return await handler(message, data)
        try:
            return await surveys.typed_answer(
                message, bot=data["bot"], app=data["app"], event_update=data["event_update"], lang=data["lang"]
            )
        except Engaged:
            return await handler(message, data)


def install(dp: Dispatcher) -> None:
    """Route answers after the language and size checks (register it after those)."""
    route = AnswerRoute()
    dp.message.outer_middleware(route)
    dp.callback_query.outer_middleware(route)
