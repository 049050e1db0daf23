"""Flood limits answer 429 with retry_after; a user who blocked the bot makes sends fail with 403."""

from __future__ import annotations

import pytest
from aiogram import Bot
from aiogram.exceptions import TelegramForbiddenError, TelegramRetryAfter

from sandbox.emulator import RunningEmulator
from tests.emulator.conftest import TOKEN, USER_ID, RawCall

pytestmark = pytest.mark.asyncio


@pytest.mark.parametrize("emu", [{"flood_limits": True, "chat_rate": 0.5, "chat_burst": 3}], indirect=True)
async def test_per_chat_flood_limit_gives_429(api: RawCall, emu: RunningEmulator) -> None:
    await emu.user(TOKEN, USER_ID).start()
    results = [await api("sendMessage", json={"chat_id": USER_ID, "text": f"m{i}"}) for i in range(4)]
    assert [status for status, _ in results] == [200, 200, 200, 429]
    assert results[-1][1] == {
        "ok": False,
        "error_code": 429,
        "description": "Too Many Requests: retry after 2",
        "parameters": {"retry_after": 2},
    }
    stats = await emu.control(TOKEN).flood_stats()
    assert (stats["rejected"], stats["accepted_per_chat"]) == (1, {str(USER_ID): 3})


@pytest.mark.parametrize("emu", [{"flood_limits": True, "global_rate": 1, "global_burst": 2}], indirect=True)
async def test_global_flood_limit_spans_chats(api: RawCall, emu: RunningEmulator) -> None:
    for user_id in (1, 2, 3):
        await emu.user(TOKEN, user_id).start()
    statuses = [(await api("sendMessage", json={"chat_id": user_id, "text": "hi"}))[0] for user_id in (1, 2, 3)]
    assert statuses == [200, 200, 429]
    assert emu.bot(TOKEN).flood.rejected_per_chat == {3: 1}


async def test_aiogram_surfaces_retry_after_and_limits_can_be_toggled(emu: RunningEmulator, bot: Bot) -> None:
    control = emu.control(TOKEN)
    await emu.user(TOKEN, USER_ID).start()
    await control.set_flood_limits(True, chat_burst=1, chat_rate=1)
    await bot.send_message(USER_ID, "first")
    with pytest.raises(TelegramRetryAfter) as caught:
        await bot.send_message(USER_ID, "second")
    assert caught.value.retry_after >= 1
    await control.set_flood_limits(False)
    await bot.send_message(USER_ID, "third")
    stats = await control.flood_stats()
    assert (stats["enabled"], stats["rejected"], stats["accepted"]) == (False, 1, 2)


async def test_blocked_user_gives_403_until_they_write_again(api: RawCall, emu: RunningEmulator, bot: Bot) -> None:
    user = emu.user(TOKEN, USER_ID)
    await user.start()
    await user.block()
    assert await api("sendMessage", json={"chat_id": USER_ID, "text": "hi"}) == (
        403,
        {"ok": False, "error_code": 403, "description": "Forbidden: bot was blocked by the user"},
    )
    with pytest.raises(TelegramForbiddenError):
        await bot.send_message(USER_ID, "hi")
    await user.start()  # like Telegram's "Restart", writing again unblocks the bot
    await bot.send_message(USER_ID, "welcome back")
    updates = await bot.get_updates()
    assert [u.event_type for u in updates] == ["message", "my_chat_member", "my_chat_member", "message"]
    assert [u.my_chat_member.new_chat_member.status for u in updates if u.my_chat_member] == ["kicked", "member"]
