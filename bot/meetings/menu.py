"""The command menu of a facilitator's chat: everyone's commands plus the meeting ones."""

from __future__ import annotations

from aiogram import Bot
from aiogram.types import BotCommand, BotCommandScopeChat

from bot.i18n import DEFAULT_LANGUAGE, t

FACILITATOR_COMMANDS = (
    "meeting",
    "forum",
    "problem",
    "strategy",
    "policy",
    "project",
    "undo",
    "edit",
    "pause",
    "resume",
    "close",
)


async def show_facilitator_commands(bot: Bot, chat_id: int, lang: str) -> None:
    """Add the meeting commands to this chat's menu only, so citizens never see them."""
    everyone = await bot.get_my_commands(language_code=None if lang == DEFAULT_LANGUAGE else lang)
    extra = [BotCommand(command=c, description=t(f"commands.{c}", lang)) for c in FACILITATOR_COMMANDS]
    await bot.set_my_commands([*everyone, *extra], scope=BotCommandScopeChat(chat_id=chat_id))
