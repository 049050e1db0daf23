"""In-process users: a real bot answers them, and they behave exactly like ``SimulatedUser`` over HTTP."""

from __future__ import annotations

import asyncio

import pytest
from aiogram import Bot, Dispatcher, F
from aiogram.filters import CommandObject, CommandStart
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message

from sandbox.emulator import EmulatorError, RunningEmulator, SimulatedUser
from sandbox.emulator.local import LocalUser
from tests.emulator.conftest import TOKEN, USER_ID, RawCall

pytestmark = pytest.mark.asyncio

KEYBOARD = {"inline_keyboard": [[{"text": "Yes", "callback_data": "v:yes"}, {"text": "Docs", "url": "https://x.y"}]]}


async def test_a_polling_bot_answers_a_local_user(bot: Bot, emu: RunningEmulator) -> None:
    dp = Dispatcher()

    @dp.message(CommandStart())
    async def start(message: Message, command: CommandObject) -> None:
        button = InlineKeyboardButton(text="تایید", callback_data="ok")
        await message.answer(f"سلام {command.args}", reply_markup=InlineKeyboardMarkup(inline_keyboard=[[button]]))

    @dp.message(F.text)
    async def echo(message: Message) -> None:
        await message.answer(f"echo: {message.text}")

    @dp.callback_query(F.data == "ok")
    async def confirm(query: CallbackQuery) -> None:
        await query.message.edit_text(f"confirmed by {query.from_user.first_name}")  # type: ignore[union-attr]
        await query.answer()

    polling = asyncio.create_task(
        dp.start_polling(bot, polling_timeout=1, handle_signals=False, close_bot_session=False)
    )
    try:
        user = emu.local_user(TOKEN, USER_ID, "مریم", language_code="fa")
        sent = await user.start("s_city")
        assert sent["text"] == "/start s_city" and sent["from"]["language_code"] == "fa"
        greeting = await user.wait_for_message(timeout=10)
        assert greeting["text"] == "سلام s_city" and greeting["from"]["is_bot"] is True
        update = await user.press("تایید")
        edited = await user.wait_for_message(contains="confirmed", timeout=10)
        assert update["callback_query"]["message"]["message_id"] == edited["message_id"] == greeting["message_id"]
        assert edited["text"] == "confirmed by مریم"
        await user.send("hi")
        assert (await user.wait_for_message(timeout=10))["text"] == "echo: hi"
    finally:
        await dp.stop_polling()
        await polling


async def _timeout_and_refusals(api: RawCall, user: LocalUser | SimulatedUser) -> list[str]:
    """What a user meets when waiting in vain and doing what the emulator refuses, as comparable text."""
    outcomes = []
    await user.start()
    await api("sendMessage", json={"chat_id": user.user_id, "text": "one"})
    await api("sendMessage", json={"chat_id": user.user_id, "text": "two"})
    for call in (
        lambda: user.wait_for_message(contains="zz", timeout=0.3),
        lambda: user.send(""),
        lambda: user.press("No"),
        lambda: user.press(),
        lambda: user.press(message_id=99, data="a"),
    ):
        try:
            await call()
        except (TimeoutError, EmulatorError) as exc:
            outcomes.append(f"{exc.__class__.__name__}: {str(exc).replace(str(user.user_id), '<id>')}")
    return outcomes


async def test_timeouts_and_refusals_read_as_over_http(api: RawCall, emu: RunningEmulator) -> None:
    local = await _timeout_and_refusals(api, emu.local_user(TOKEN, USER_ID))
    remote = await _timeout_and_refusals(api, emu.user(TOKEN, USER_ID + 1))
    assert local == remote
    assert local[0] == "TimeoutError: user <id>: no bot message containing 'zz' within 0.3s; received ['one', 'two']"
    assert local[1:] == [
        "EmulatorError: 400: Bad Request: text is empty",
        "EmulatorError: 400: Bad Request: no button text='No' data=None on any bot message",
        "EmulatorError: 400: Bad Request: press needs the button text or its callback data",
        "EmulatorError: 400: Bad Request: message 99 not found in chat <id>",
    ]
    with pytest.raises(EmulatorError) as refused:
        await emu.local_user("not-a-token", USER_ID).start()
    assert (refused.value.status, refused.value.description) == (401, "Unauthorized")


async def test_a_forced_press_on_a_deleted_message(api: RawCall, emu: RunningEmulator) -> None:
    user = emu.local_user(TOKEN, USER_ID)
    await user.start()
    _, sent = await api("sendMessage", json={"chat_id": USER_ID, "text": "vote", "reply_markup": KEYBOARD})
    message_id = sent["result"]["message_id"]
    with pytest.raises(EmulatorError, match="has no callback_data"):
        await user.press("Docs")
    await api("deleteMessage", json={"chat_id": USER_ID, "message_id": message_id})
    with pytest.raises(EmulatorError, match="no button"):
        await user.press("Yes")
    stale = await user.press(data="v:yes", message_id=message_id, force=True)
    query = stale["callback_query"]
    assert (query["data"], query["message"]) == (
        "v:yes",
        {
            "chat": {"id": USER_ID, "type": "private", "first_name": f"User {USER_ID}"},
            "message_id": message_id,
            "date": 0,
        },
    )
    query["data"] = "changed by the caller"  # the update is the caller's copy, not the queued one
    _, body = await api("getUpdates", json={})
    assert body["result"][-1]["callback_query"]["data"] == "v:yes"
    with pytest.raises(TimeoutError, match=r"received \[\]"):  # a deleted message is never returned
        await user.wait_for_message(timeout=0.1)
