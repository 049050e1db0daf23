"""The one guard of every router: a use case's refusal (``backend.errors.Refused``) becomes its
localized text (an alert for a press), and a repeated update is answered once; ``once`` claims an
update in the transaction that handles it."""

from __future__ import annotations

import functools
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

from aiogram import Bot
from aiogram.types import CallbackQuery, Message, Update
from sqlalchemy.ext.asyncio import AsyncSession

from backend.errors import Refused
from backend.services.updates import AlreadyProcessed, claim
from bot.context import AppContext
from bot.i18n import t

Handler = Callable[..., Awaitable[None]]


def guarded(handler: Handler) -> Handler:
    """Answer Refused with its text (an alert for a press) and a repeated update with silence.

    aiogram still sees the handler's own signature, so it passes the same arguments.
    """

    @functools.wraps(handler)
    async def wrapper(event: Message | CallbackQuery, *args: Any, **kwargs: Any) -> None:
        try:
            await handler(event, *args, **kwargs)
        except AlreadyProcessed:
            if isinstance(event, CallbackQuery):
                await event.answer()
        except Refused as refused:
            text = t(refused.key, kwargs.get("lang", "fa"), **refused.params)
            if isinstance(event, CallbackQuery):
                await event.answer(text, show_alert=True)
            else:
                await event.answer(text)

    return wrapper


@asynccontextmanager
async def once(app: AppContext, bot: Bot, update: Update) -> AsyncIterator[AsyncSession]:
    """One transaction that claims the update first: AlreadyProcessed if it was handled before,
    and a Refused raised inside rolls the claim back with everything else."""
    async with app.sessions() as session, session.begin():
        await claim(session, bot.id, update.update_id)
        yield session
