"""Middlewares: the user's language for every message and button press."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.fsm.context import FSMContext
from aiogram.types import TelegramObject, User

from backend.context import AppContext
from backend.services import participants
from bot.i18n import pick_language

LANG_KEY = "lang"


async def remember_language(state: FSMContext, app: AppContext, user_id: int, lang: str) -> None:
    """Keep the chosen language in the conversation state and on the participant, if any."""
    await state.update_data({LANG_KEY: lang})
    async with app.sessions() as session, session.begin():
        await participants.set_language(session, user_id, lang)


class LanguageMiddleware(BaseMiddleware):
    """Puts ``lang`` in handler data: the conversation state, then the participant, then Persian."""

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        state: FSMContext | None = data.get("state")
        user: User | None = data.get("event_from_user")
        lang = None
        if state is not None:
            lang = (await state.get_data()).get(LANG_KEY)
            if lang is None and user is not None:
                app: AppContext = data["app"]
                async with app.sessions() as session:
                    found = await participants.by_messenger_id(session, user.id)
                if found is not None:
                    lang = found.language
                    await state.update_data({LANG_KEY: lang})
        data["lang"] = pick_language(lang)
        return await handler(event, data)
