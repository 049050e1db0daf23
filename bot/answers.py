"""The answer path's one dispatch: a press on a survey question's buttons is recognized by its callback
prefix and handed straight to its survey handler, instead of being offered to every router's filters
in turn (the routers and their middlewares cost more Python per update than the answer itself).
Everything else goes to the routers as before.

Registered as the dispatcher's last button-press middleware, so a routed press has been throttled,
isolated per user and given its conversation ``state`` and ``lang`` exactly as through the routers.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware, Dispatcher
from aiogram.filters.callback_data import CallbackData
from aiogram.types import CallbackQuery, TelegramObject

from bot.handlers import surveys
from bot.surveys.callbacks import Done, Nav, Pick, Toggle

Handler = Callable[..., Awaitable[Any]]

# The presses of a question being answered: callback prefix, its data, its handler and what it takes.
ROUTES: dict[str, tuple[type[CallbackData], Handler, tuple[str, ...]]] = {
    Pick.__prefix__: (Pick, surveys.pick, ("bot", "app", "event_update")),
    Toggle.__prefix__: (Toggle, surveys.toggle, ("app", "state")),
    Done.__prefix__: (Done, surveys.done, ("bot", "app", "state", "event_update")),
    Nav.__prefix__: (Nav, surveys.nav_button, ("bot", "app", "event_update")),
}


class AnswerRoute(BaseMiddleware):
    """Routes a survey question's button press to its handler once; anything else to ``handler``."""

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        pressed = event.data if isinstance(event, CallbackQuery) else None
        route = ROUTES.get(pressed.partition(":")[0]) if pressed else None
        if pressed is None or route is None:
            return await handler(event, data)
        kind, answer, takes = route
        try:
            callback_data = kind.unpack(pressed)
        except (TypeError, ValueError):
            return await handler(event, data)  # not ours after all: the routers say what they say
        given = {name: data[name] for name in takes}
        return await answer(event, callback_data=callback_data, lang=data["lang"], **given)


def install(dp: Dispatcher) -> None:
    """Route presses on a question after the language middleware (register it after that one)."""
    dp.callback_query.outer_middleware(AnswerRoute())
