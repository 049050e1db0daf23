"""Middlewares: the user's language for every message and button press."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.fsm.context import FSMContext
from aiogram.types import TelegramObject, User

from backend.context import AppContext
from backend.participants import onboarding
from bot.i18n import pick_language

LANG_KEY = "lang"


async def remember_language(state: FSMContext, app: AppContext, user_id: int, lang: str) -> bool:
    """Keep the chosen language in the conversation state and on the participant; whether the
    account has a participant."""
    await state.update_data({LANG_KEY: lang})
    return await onboarding.set_language(app, user_id, lang)


async def language(data: dict[str, Any]) -> str:
    """The language of an update's sender: the conversation state, then the participant (kept in the
    state from then on), then Persian. Read once per update: the answer here is kept in ``data``."""
    if "lang" in data:
        return str(data["lang"])
    state: FSMContext | None = data.get("state")
    user: User | None = data.get("event_from_user")
    lang = None
    if state is not None:
        lang = (await state.get_data()).get(LANG_KEY)
        if lang is None and user is not None:
            app: AppContext = data["app"]
            found = await onboarding.find(app, user.id)
            if found is not None:
                lang = found.language
                await state.update_data({LANG_KEY: lang})
    data["lang"] = chosen = pick_language(lang)
    return chosen


class LanguageMiddleware(BaseMiddleware):
    """Puts ``lang`` in handler data (``language``)."""

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        await language(data)
        return await handler(event, data)
