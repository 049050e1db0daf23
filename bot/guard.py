"""The one guard of every router: a use case's refusal (``backend.errors.Refused``) becomes its
localized text (an alert for a press; text parameters HTML-escaped), and a repeated update is answered
once; ``claim_of`` names the update a use case claims in the transaction that handles it."""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from html import escape
from typing import Any

from aiogram import Bot
from aiogram.types import CallbackQuery, Message, Update

from backend.context import Claim
from backend.errors import Refused
from backend.services.updates import AlreadyProcessed
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
            pass  # its first delivery was answered; Telegram refuses a second answer to a press
        except Refused as refused:
            lang = kwargs.get("lang", "fa")
            if isinstance(event, CallbackQuery):
                await event.answer(refusal_text(refused, lang, html=False), show_alert=True)
            else:
                await event.answer(refusal_text(refused, lang, html=True))

    return wrapper


def refusal_text(refused: Refused, lang: str, *, html: bool) -> str:
    """What a refusal says in ``lang``; its text parameters (user text among them) are HTML-escaped
    for a message, and left as they are for a press's alert, which the messenger shows as plain text."""
    params = {k: escape(v) if html and isinstance(v, str) else v for k, v in refused.params.items()}
    return t(refused.key, lang, **params)


def claim_of(bot: Bot, update: Update) -> Claim:
    """The update a use case claims in its transaction, so a repeated delivery changes nothing."""
    return bot.id, update.update_id


def sender_id(event: Message | CallbackQuery) -> int:
    """The messenger id of who sent ``event`` (the dispatcher only routes updates that have a sender)."""
    if event.from_user is None:
        raise Refused("errors.stale_button")
    return event.from_user.id


def pressed_on(query: CallbackQuery) -> Message:
    """The message whose button was pressed; one too old for the messenger to change is a stale button."""
    if not isinstance(query.message, Message):
        raise Refused("errors.stale_button")
    return query.message
