"""The "more" button of a shortened push: the rest of the text, to the chat it was sent to only."""

from __future__ import annotations

from aiogram import Bot, Router
from aiogram.types import CallbackQuery

from backend.context import AppContext
from backend.services.outbox import sent_to
from bot.fitting import send_parts
from bot.guard import sender_id
from bot.i18n import t
from bot.outbox.more import MoreButton, the_rest


async def pressed(query: CallbackQuery, callback_data: MoreButton, bot: Bot, app: AppContext, lang: str) -> None:
    """Send what the shortened message left out, in as many messages as it takes."""
    message = await sent_to(app, callback_data.o, sender_id(query))
    parts = the_rest(message) if message is not None else []
    if not parts:
        await query.answer(t("outbox.more_gone", lang), show_alert=True)
        return
    await query.answer()
    await send_parts(bot, sender_id(query), parts)


def router() -> Router:
    """The "more" button of shortened pushes."""
    r = Router(name="more")
    r.callback_query.register(pressed, MoreButton.filter())
    return r
