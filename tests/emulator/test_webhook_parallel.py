"""Webhook delivery in parallel like Telegram: up to max_connections posts at once, each chat's updates in order."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
import pytest_asyncio
from aiohttp import web

from sandbox.emulator import RunningEmulator
from sandbox.emulator.webhook import order_key
from tests.emulator.conftest import TOKEN, RawCall


@dataclass
class Receiver:
    """A webhook endpoint recording what it is posted; it waits for ``gate`` and fails as ``failures`` says."""

    url: str = ""
    gate: asyncio.Event = field(default_factory=asyncio.Event)
    failures: Counter[int] = field(default_factory=Counter)  # update_id -> posts to answer 500
    events: list[tuple[str, int, int]] = field(default_factory=list)  # (begin|end|fail, update_id, chat)
    in_flight: set[int] = field(default_factory=set)
    peak: int = 0

    async def handle(self, request: web.Request) -> web.Response:
        update = await request.json()
        update_id, chat = update["update_id"], update.get("message", {}).get("chat", {}).get("id", 0)
        self.events.append(("begin", update_id, chat))
        self.in_flight.add(update_id)
        self.peak = max(self.peak, len(self.in_flight))
        try:
            await self.gate.wait()
            if self.failures[update_id] > 0:
                self.failures[update_id] -= 1
                self.events.append(("fail", update_id, chat))
                return web.Response(status=500)
            self.events.append(("end", update_id, chat))
            return web.json_response({})
        finally:
            self.in_flight.discard(update_id)

    def order(self, kind: str) -> list[int]:
        """The update ids in the order their ``kind`` events happened."""
        return [update_id for event, update_id, _ in self.events if event == kind]


@pytest_asyncio.fixture
async def receiver() -> AsyncIterator[Receiver]:
    """A running ``Receiver`` on a free local port."""
    hook = Receiver()
    app = web.Application()
    app.router.add_post("/hook", hook.handle)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    hook.url = f"http://127.0.0.1:{runner.addresses[0][1]}/hook"
    yield hook
    hook.gate.set()
    await runner.cleanup()


def _message(chat: int, text: str) -> dict[str, Any]:
    user = {"id": chat, "is_bot": False, "first_name": "Sara"}
    return {
        "message": {
            "message_id": 1,
            "date": 1_700_000_000,
            "chat": {"id": chat, "type": "private"},
            "from": user,
            "text": text,
        }
    }


async def _until(check: Callable[[], bool], timeout: float = 5.0) -> None:
    async with asyncio.timeout(timeout):
        while not check():
            await asyncio.sleep(0.01)


async def _pending(api: RawCall) -> int:
    _, body = await api("getWebhookInfo", json={})
    count: int = body["result"]["pending_update_count"]
    return count


Enqueue = Callable[[int, str], int]


@pytest.fixture
def enqueue(emu: RunningEmulator) -> Enqueue:
    """Queue a message of ``chat``; its update_id."""

    def push(chat: int, text: str) -> int:
        update_id: int = emu.bot(TOKEN).enqueue(_message(chat, text))["update_id"]
        return update_id

    return push


async def _hook(api: RawCall, receiver: Receiver, max_connections: int) -> None:
    status, _ = await api("setWebhook", json={"url": receiver.url, "max_connections": max_connections})
    assert status == 200


async def _settled(api: RawCall, receiver: Receiver, updates: int) -> None:
    """Wait until ``updates`` were answered and nothing is in flight; none is pending then."""
    await _until(lambda: len(receiver.order("end")) == updates)
    await _until(lambda: not receiver.in_flight)
    assert await _pending(api) == 0


async def test_updates_of_different_chats_are_in_flight_together_up_to_max_connections(
    api: RawCall, receiver: Receiver, enqueue: Enqueue
) -> None:
    await _hook(api, receiver, max_connections=3)
    ids = [enqueue(2000 + n, "hi") for n in range(7)]
    await _until(lambda: len(receiver.in_flight) == 3)
    await asyncio.sleep(0.2)  # no fourth post while three are unanswered
    assert receiver.in_flight == set(ids[:3]) and await _pending(api) == 7
    receiver.gate.set()
    await _settled(api, receiver, 7)
    assert receiver.peak == 3 and sorted(receiver.order("end")) == ids


async def test_updates_without_a_chat_are_posted_in_parallel(
    api: RawCall, emu: RunningEmulator, receiver: Receiver
) -> None:
    await _hook(api, receiver, max_connections=5)
    ids = [emu.bot(TOKEN).enqueue({"poll": {"id": "0"}})["update_id"]]
    await _until(lambda: len(receiver.in_flight) == 1)  # the next ones do not wait for it
    ids += [emu.bot(TOKEN).enqueue({"poll": {"id": str(n)}})["update_id"] for n in (1, 2)]
    await _until(lambda: len(receiver.in_flight) == 3)
    assert receiver.in_flight == set(ids)
    receiver.gate.set()
    await _settled(api, receiver, 3)


async def test_updates_of_one_chat_are_posted_one_after_another_in_order(
    api: RawCall, receiver: Receiver, enqueue: Enqueue
) -> None:
    await _hook(api, receiver, max_connections=10)
    ids = {chat: [enqueue(chat, f"{chat} {n}") for n in range(4)] for chat in (3001, 3002)}
    await _until(lambda: len(receiver.in_flight) == 2)
    await asyncio.sleep(0.2)  # each chat's later updates wait for its first one's answer
    assert receiver.in_flight == {ids[3001][0], ids[3002][0]}
    receiver.gate.set()
    await _settled(api, receiver, 8)
    for chat, chat_ids in ids.items():
        begun = [(event, update_id) for event, update_id, of in receiver.events if of == chat]
        assert begun == [(event, update_id) for update_id in chat_ids for event in ("begin", "end")]


async def test_a_failed_update_is_retried_before_its_chats_later_updates(
    api: RawCall, receiver: Receiver, enqueue: Enqueue
) -> None:
    await _hook(api, receiver, max_connections=10)
    failing, later, other = enqueue(4001, "first"), enqueue(4001, "second"), enqueue(4002, "other")
    receiver.failures[failing] = 2
    receiver.gate.set()
    await _settled(api, receiver, 3)
    chat_events = [(event, update_id) for event, update_id, chat in receiver.events if chat == 4001]
    assert chat_events == [
        ("begin", failing),
        ("fail", failing),
        ("begin", failing),
        ("fail", failing),
        ("begin", failing),
        ("end", failing),
        ("begin", later),
        ("end", later),
    ]
    assert receiver.order("end").index(other) < receiver.order("end").index(failing)  # the other chat went on
    _, body = await api("getWebhookInfo", json={})
    assert "500" in body["result"]["last_error_message"] and body["result"]["last_error_date"] > 0


def test_order_key_is_the_chat_else_the_user() -> None:
    query = {"id": "1", "from": {"id": 5}, "chat_instance": "c", "data": "x"}
    assert order_key({"update_id": 1, "callback_query": query}) == 5
    on_message = {**query, "message": {"message_id": 1, "date": 0, "chat": {"id": -100}}}
    assert order_key({"update_id": 2, "callback_query": on_message}) == -100
    assert order_key({"update_id": 3, **_message(7, "hi")}) == 7
    assert order_key({"update_id": 4, "poll": {"id": "p"}}) is None
