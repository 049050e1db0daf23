"""Updates reach the bot by long polling (raw and a real aiogram Dispatcher) or by webhook."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio
from aiogram import Bot, Dispatcher, F
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiohttp import web

from sandbox.emulator import RunningEmulator
from tests.emulator.conftest import TOKEN, USER_ID, RawCall

pytestmark = pytest.mark.asyncio


async def test_long_poll_wakes_on_a_user_message(api: RawCall, emu: RunningEmulator) -> None:
    user = emu.user(TOKEN, USER_ID, "مریم", language_code="fa")
    started = time.monotonic()
    poll = asyncio.create_task(api("getUpdates", json={"timeout": 10}))
    await asyncio.sleep(0.05)
    await user.start("s_city")
    status, body = await poll
    assert status == 200 and time.monotonic() - started < 2
    [update] = body["result"]
    message = update["message"]
    assert message["text"] == "/start s_city"
    assert message["entities"] == [{"type": "bot_command", "offset": 0, "length": 6}]
    assert message["from"] == {"id": USER_ID, "is_bot": False, "first_name": "مریم", "language_code": "fa"}
    assert message["chat"] == {"id": USER_ID, "type": "private", "first_name": "مریم"}


async def test_offset_confirms_and_allowed_updates_filter(api: RawCall, emu: RunningEmulator) -> None:
    user = emu.user(TOKEN, USER_ID)
    for text in ("one", "two", "three"):
        await user.send(text)
    _, body = await api("getUpdates", json={"limit": 2})
    first, second = body["result"]
    assert second["update_id"] == first["update_id"] + 1
    _, body = await api("getUpdates", json={"offset": second["update_id"] + 1})
    assert [u["message"]["text"] for u in body["result"]] == ["three"]
    _, body = await api("getUpdates", json={"offset": body["result"][0]["update_id"] + 1})
    assert body["result"] == []
    await user.send("four")
    _, body = await api("getUpdates", json={"allowed_updates": ["callback_query"]})
    assert body["result"] == []


async def test_a_newer_poll_ends_the_older_one_with_409(api: RawCall) -> None:
    older = asyncio.create_task(api("getUpdates", json={"timeout": 5}))
    await asyncio.sleep(0.05)
    assert (await api("getUpdates", json={"timeout": 0}))[0] == 200
    status, body = await older
    assert status == 409 and body["description"].startswith("Conflict: terminated by other getUpdates request")


async def test_dispatcher_echo_and_button_flow(bot: Bot, emu: RunningEmulator) -> None:
    dp = Dispatcher()

    @dp.message(F.text)
    async def echo(message: Message) -> None:
        button = InlineKeyboardButton(text="تایید", callback_data="ok:1")
        await message.answer(f"echo: {message.text}", reply_markup=InlineKeyboardMarkup(inline_keyboard=[[button]]))

    @dp.callback_query(F.data == "ok:1")
    async def confirm(query: CallbackQuery) -> None:
        assert query.message is not None
        await query.message.edit_text("confirmed")  # type: ignore[union-attr]
        await query.answer("done", show_alert=True)

    polling = asyncio.create_task(
        dp.start_polling(bot, polling_timeout=1, handle_signals=False, close_bot_session=False)
    )
    try:
        user = emu.user(TOKEN, USER_ID, "Ali")
        await user.send("سلام")
        reply = await user.wait_for_message(contains="echo")
        assert reply["text"] == "echo: سلام" and reply["from"]["is_bot"] is True
        update = await user.press("تایید")
        answer = await user.wait_for_answer()
        assert answer["callback_query_id"] == update["callback_query"]["id"]
        assert (answer["text"], answer["show_alert"], answer["data"]) == ("done", True, "ok:1")
        edited = await user.wait_for_message(contains="confirmed")
        assert edited["message_id"] == reply["message_id"] and "reply_markup" not in edited
        assert [m["text"] for m in await user.messages()] == ["confirmed"]
    finally:
        await dp.stop_polling()
        await polling


async def test_answering_a_query_twice_or_an_unknown_one_fails(api: RawCall, emu: RunningEmulator) -> None:
    user = emu.user(TOKEN, USER_ID)
    await user.start()
    markup = {"inline_keyboard": [[{"text": "A", "callback_data": "a"}]]}
    await api("sendMessage", json={"chat_id": USER_ID, "text": "pick", "reply_markup": markup})
    query_id = (await user.press(data="a"))["callback_query"]["id"]
    assert (await api("answerCallbackQuery", json={"callback_query_id": query_id}))[0] == 200
    for unknown in (query_id, "nope"):
        status, body = await api("answerCallbackQuery", json={"callback_query_id": unknown})
        assert status == 400 and "query ID is invalid" in body["description"]


@pytest_asyncio.fixture
async def webhook_receiver() -> AsyncIterator[tuple[str, list[tuple[dict[str, Any], str | None]]]]:
    """A local webhook endpoint recording (update, secret header); it answers with a sendMessage."""
    received: list[tuple[dict[str, Any], str | None]] = []

    async def hook(request: web.Request) -> web.Response:
        update = await request.json()
        received.append((update, request.headers.get("X-Telegram-Bot-Api-Secret-Token")))
        chat_id = update["message"]["chat"]["id"]
        return web.json_response({"method": "sendMessage", "chat_id": chat_id, "text": "via webhook reply"})

    app = web.Application()
    app.router.add_post("/hook", hook)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    host, port = runner.addresses[0][:2]
    yield f"http://{host}:{port}/hook", received
    await runner.cleanup()


async def test_webhook_delivery_with_secret(
    api: RawCall, emu: RunningEmulator, webhook_receiver: tuple[str, list[tuple[dict[str, Any], str | None]]]
) -> None:
    url, received = webhook_receiver
    assert (await api("setWebhook", json={"url": url, "secret_token": "s3cret"}))[0] == 200
    status, body = await api("getUpdates", json={})
    assert status == 409 and body["description"].startswith("Conflict: can't use getUpdates method while webhook")
    user = emu.user(TOKEN, USER_ID)
    await user.send("hello hook")
    reply = await user.wait_for_message(contains="via webhook reply", timeout=5)
    assert reply["chat"]["id"] == USER_ID
    [(update, secret)] = received
    assert update["message"]["text"] == "hello hook" and secret == "s3cret"
    _, body = await api("getWebhookInfo", json={})
    assert body["result"]["url"] == url and body["result"]["pending_update_count"] == 0
    assert (await api("deleteWebhook", json={"drop_pending_updates": True}))[0] == 200
    assert (await api("getUpdates", json={}))[0] == 200
