"""The command menu of a staff member's chat: everyone's commands plus their role's (a facilitator's
meeting commands; the console's sign-in link for facilitators and members of a body)."""

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
ROLE_COMMANDS = {"facilitator": (*FACILITATOR_COMMANDS, "console"), "member": ("console",)}


async def show_role_commands(bot: Bot, chat_id: int, lang: str, role: str) -> None:
    """Add the role's commands to this chat's menu only, so citizens never see them (no change for other roles)."""
    if role not in ROLE_COMMANDS:
        return
    everyone = await bot.get_my_commands(language_code=None if lang == DEFAULT_LANGUAGE else lang)
    extra = [BotCommand(command=c, description=t(f"commands.{c}", lang)) for c in ROLE_COMMANDS[role]]
    await bot.set_my_commands([*everyone, *extra], scope=BotCommandScopeChat(chat_id=chat_id))
