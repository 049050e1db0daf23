"""Simulated users: waiting for replies, pressing buttons (also stale or forged), keyboards, edits."""

from __future__ import annotations

import asyncio

import aiohttp
import pytest

from sandbox.emulator import EmulatorError, RunningEmulator, SimulatedUser
from sandbox.emulator.updates import update_type
from tests.emulator.conftest import TOKEN, USER_ID, RawCall

pytestmark = pytest.mark.asyncio

KEYBOARD = {"inline_keyboard": [[{"text": "Yes", "callback_data": "v:yes"}, {"text": "Docs", "url": "https://x.y"}]]}


@pytest.mark.parametrize("kind", ["over HTTP", "in-process"])
async def test_wait_for_message_returns_each_new_message_once(api: RawCall, emu: RunningEmulator, kind: str) -> None:
    user = emu.user(TOKEN, USER_ID) if kind == "over HTTP" else emu.local_user(TOKEN, USER_ID)
    await user.send("hi")
    await api("sendMessage", json={"chat_id": USER_ID, "text": "one"})
    await api("sendMessage", json={"chat_id": USER_ID, "text": "two"})
    assert (await user.wait_for_message())["text"] == "one"
    assert (await user.wait_for_message(predicate=lambda m: m["text"].startswith("t")))["text"] == "two"
    with pytest.raises(TimeoutError, match="no bot message"):
        await user.wait_for_message(timeout=0.2)

    async def edit_soon() -> None:
        await asyncio.sleep(0.1)
        await api("editMessageText", json={"chat_id": USER_ID, "message_id": 2, "text": "1!"})

    editing = asyncio.create_task(edit_soon())
    edited = await user.wait_for_message(timeout=2)  # long-polls until the edit happens
    await editing
    assert (edited["message_id"], edited["text"]) == (2, "1!")


async def test_press_finds_buttons_and_refuses_missing_ones(api: RawCall, emu: RunningEmulator) -> None:
    user = emu.user(TOKEN, USER_ID)
    await user.start()
    _, old = await api("sendMessage", json={"chat_id": USER_ID, "text": "old", "reply_markup": KEYBOARD})
    _, new = await api("sendMessage", json={"chat_id": USER_ID, "text": "new", "reply_markup": KEYBOARD})
    query = (await user.press("Yes"))["callback_query"]
    assert (query["message"]["message_id"], query["data"]) == (new["result"]["message_id"], "v:yes")
    query = (await user.press(data="v:yes", message_id=old["result"]["message_id"]))["callback_query"]
    assert query["message"]["text"] == "old" and query["chat_instance"]
    with pytest.raises(EmulatorError, match="no button"):
        await user.press("No")
    with pytest.raises(EmulatorError, match="has no callback_data"):
        await user.press("Docs")
    await api("deleteMessage", json={"chat_id": USER_ID, "message_id": old["result"]["message_id"]})
    forged = await user.press(data="admin:drop", message_id=old["result"]["message_id"], force=True)
    assert forged["callback_query"]["data"] == "admin:drop"
    assert forged["callback_query"]["message"]["date"] == 0  # an inaccessible (deleted) message


async def test_reply_keyboard_buttons_send_their_text(api: RawCall, emu: RunningEmulator) -> None:
    user = emu.user(TOKEN, USER_ID)
    await user.start()
    markup = {"keyboard": [["مشهد", {"text": "تهران"}]], "one_time_keyboard": True}
    _, body = await api("sendMessage", json={"chat_id": USER_ID, "text": "city?", "reply_markup": markup})
    assert "reply_markup" not in body["result"]
    assert await user.reply_keyboard() == {**markup, "keyboard": [[{"text": "مشهد"}, {"text": "تهران"}]]}
    update = await user.press("مشهد")
    assert update["message"]["text"] == "مشهد"
    assert await user.reply_keyboard() is None


async def test_user_edits_raw_updates_and_reset(api: RawCall, emu: RunningEmulator) -> None:
    user = emu.user(TOKEN, USER_ID, "Sara", username="sara_k")
    sent = await user.send("typo")
    edited = await user.edit(sent["message_id"], "fixed #tag")
    assert edited["entities"] == [{"type": "hashtag", "offset": 6, "length": 4}]
    control = emu.control(TOKEN)
    raw = await control.inject_update({"poll": {"id": "p1", "question": "?", "options": []}})
    _, body = await api("getUpdates", json={})
    assert [update_type(u) for u in body["result"]] == ["message", "edited_message", "poll"]
    assert body["result"][-1]["update_id"] == raw["update_id"]
    assert body["result"][0]["message"]["from"]["username"] == "sara_k"
    await control.reset()
    assert emu.bot(TOKEN).chats == {} and await control.calls() == []
    await user.send("after reset")
    _, body = await api("getUpdates", json={})
    assert body["result"][0]["update_id"] > raw["update_id"]  # ids keep growing, aiogram's offset stays valid


async def test_simulated_user_from_a_base_url_owns_its_session(api: RawCall, emu: RunningEmulator) -> None:
    async with SimulatedUser(emu.base_url, TOKEN, 77, "Remote") as remote:
        await remote.send("from another process")
        _, body = await api("getUpdates", json={})
        assert body["result"][0]["message"]["from"]["first_name"] == "Remote"
    async with SimulatedUser(emu.base_url, "bad", 1) as unauthorized:
        with pytest.raises(EmulatorError, match="401"):
            await unauthorized.send("x")


async def test_messages_long_poll_over_raw_http(api: RawCall, emu: RunningEmulator) -> None:
    await emu.user(TOKEN, USER_ID).start()
    _, sent = await api("sendMessage", json={"chat_id": USER_ID, "text": "v1"})
    message_id = sent["result"]["message_id"]
    url = f"{emu.base_url}/_emulator/{TOKEN}/users/{USER_ID}/messages"

    async def poll(**query: str) -> list[dict[str, object]]:
        async with aiohttp.ClientSession() as session, session.get(url, params=query) as resp:
            return (await resp.json())["result"]["messages"]  # type: ignore[no-any-return]

    assert [m["text"] for m in await poll(after=str(message_id - 1))] == ["v1"]
    waiting = asyncio.create_task(poll(after=str(message_id), timeout="5"))
    await asyncio.sleep(0.05)
    await api("editMessageText", json={"chat_id": USER_ID, "message_id": message_id, "text": "v2"})
    assert [m["text"] for m in await waiting] == ["v2"]  # an edit wakes a wait on newer ids
    assert await poll(after=str(message_id), timeout="0") == []
