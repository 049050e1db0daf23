"""A staff member's chat menu, as the bot sets it through the emulator when an invite is opened."""

from __future__ import annotations

from aiogram import Bot
from aiogram.types import BotCommandScopeChat

from bot.meetings.menu import show_role_commands
from sandbox.emulator import RunningEmulator
from tests.emulator.conftest import TOKEN, USER_ID


async def _menu(bot: Bot, chat: int) -> list[str]:
    return [c.command for c in await bot.get_my_commands(scope=BotCommandScopeChat(chat_id=chat))]


async def test_facilitators_and_members_find_the_console_in_their_menu_and_citizens_do_not(
    bot: Bot, emu: RunningEmulator
) -> None:
    chat = (await emu.user(TOKEN, USER_ID).send("hi"))["chat"]["id"]
    await show_role_commands(bot, chat, "fa", "citizen")
    assert await _menu(bot, chat) == []
    await show_role_commands(bot, chat, "fa", "member")
    assert await _menu(bot, chat) == ["console"]
    await show_role_commands(bot, chat, "fa", "facilitator")
    menu = await _menu(bot, chat)
    assert menu[0] == "meeting" and menu[-2:] == ["close", "console"]
