"""/mine (what became of everything I said), /mute and /unmute (the weekly news)."""

from __future__ import annotations

from aiogram import Bot, Router
from aiogram.filters import Command
from aiogram.types import Message

from backend.context import AppContext
from backend.lifecycle.mine import of_account
from backend.participants import onboarding
from bot.fitting import TEXT_MAX, pieces, send_parts
from bot.guard import sender_id
from bot.i18n import t
from bot.lifecycle import render

SHOWN = 30  # items /mine lists; older ones are counted


async def mine(message: Message, bot: Bot, app: AppContext, lang: str) -> None:
    """/mine: every item the person said, newest first, each with its stage."""
    items = await of_account(app, sender_id(message))
    if items is None:
        await message.answer(t("lifecycle.not_joined", lang))
        return
    await send_parts(bot, message.chat.id, pieces(render.mine(app, lang, items, SHOWN), TEXT_MAX))


async def mute(message: Message, app: AppContext, lang: str) -> None:
    """/mute: no weekly news until /unmute."""
    found = await onboarding.set_muted(app, sender_id(message), True)
    await message.answer(t("lifecycle.muted" if found else "lifecycle.not_joined", lang))


async def unmute(message: Message, app: AppContext, lang: str) -> None:
    """/unmute: the weekly news again."""
    found = await onboarding.set_muted(app, sender_id(message), False)
    await message.answer(t("lifecycle.unmuted" if found else "lifecycle.not_joined", lang))


def router() -> Router:
    """The participant's view of what became of their items."""
    r = Router(name="lifecycle")
    r.message.register(mine, Command("mine"))
    r.message.register(mute, Command("mute"))
    r.message.register(unmute, Command("unmute"))
    return r
