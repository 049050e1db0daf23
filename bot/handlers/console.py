"""/console: a one-time link that signs an admin, a member of a body or a facilitator in to the web console."""

from __future__ import annotations

from html import escape

from aiogram import Bot, Router
from aiogram.filters import Command
from aiogram.types import LinkPreviewOptions, Message, Update

from backend.console import signin
from backend.context import AppContext
from bot.guard import claim_of, guarded, sender_id
from bot.i18n import t


@guarded
async def console_link(message: Message, bot: Bot, app: AppContext, event_update: Update, lang: str) -> None:
    """Send the link (valid ten minutes, once); anyone without a staff role is told the console is not theirs."""
    token = await signin.create_link(app, sender_id(message), claim_of(bot, event_update))
    await message.answer(
        t("console.link", lang, link=escape(signin.link_url(app, token)), minutes=10),
        link_preview_options=LinkPreviewOptions(is_disabled=True),
    )


def router() -> Router:
    """The console's sign-in command."""
    r = Router(name="console")
    r.message.register(console_link, Command("console"))
    return r
