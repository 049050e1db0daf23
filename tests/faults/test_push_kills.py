"""A push drains through the outbox while the bot that sends it is SIGKILLed again and again: every
message arrives, and none twice except those a kill caught between Telegram's answer and the commit
that records it (the one window no sender can close; see tests/outbox/test_crash.py)."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Hashable
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.engine import URL

from backend.models import OutboxMessage
from backend.services import outbox
from bot.outbox.sender import MAX_UNSETTLED
from sandbox.bench.broadcast import broadcast, delivery, open_chats
from sandbox.emulator import RunningEmulator
from tests.conftest import Stack
from tests.faults.conftest import Ledger
from tests.faults.harness import TOKEN, Kills, bot_process, database, expire_leases, while_killing

CHATS = range(72_000, 72_060)
TOTAL = 120
KILLS = 2
DRAIN_TIMEOUT = 120.0


async def _drained(url: URL) -> None:
    """Until nothing in the outbox is pending or being sent."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + DRAIN_TIMEOUT
    async with database(url) as sessions:
        while True:
            async with sessions() as session:
                if await outbox.unfinished_count(session) == 0:
                    return
            assert loop.time() < deadline, f"the outbox did not drain within {DRAIN_TIMEOUT}s"
            await asyncio.sleep(0.2)


async def test_a_push_drains_while_the_sender_is_killed(
    emulator: RunningEmulator, sqlite_url: URL, tmp_path: Path, ledger: Ledger
) -> None:
    """On SQLite with in-memory state: the outbox's claims are the same SQL on PostgreSQL (tests/outbox)."""
    messages = broadcast(list(CHATS), TOTAL, "faults")
    async with database(sqlite_url, migrated=True) as sessions, sessions() as session, session.begin():
        await outbox.enqueue_many(session, messages)
    open_chats(emulator, TOKEN, CHATS)
    caught: Counter[Hashable] = Counter()

    async def look_at_the_frozen_sender() -> None:
        """Messages that reached the emulator but are still "sending": the kill's window."""
        arrived = set(delivery(emulator, TOKEN, messages).copies)
        async with database(sqlite_url) as sessions, sessions() as session:
            sending = set(
                await session.scalars(select(OutboxMessage.dedupe_key).where(OutboxMessage.status == outbox.SENDING))
            )
        window = {m.payload["text"] for m in messages if m.key in sending} & arrived
        assert len(window) <= MAX_UNSETTLED
        caught.update(window)

    kills = Kills(KILLS, (10, 35), frozen=look_at_the_frozen_sender, dead=lambda: expire_leases(sqlite_url))
    async with bot_process(emulator, Stack("sqlite-memory", sqlite_url, None), tmp_path) as bot:
        done = await while_killing(bot, ledger, kills, _drained(sqlite_url))
    received = delivery(emulator, TOKEN, messages)
    print(f"{done} kills during a push of {TOTAL}; {sum(caught.values())} caught between send and record")
    assert not bot.errors(), bot.errors()
    assert done == KILLS, "the push finished before the bot was killed often enough"
    ledger.settle("push", Counter(m.payload["text"] for m in messages), received.copies, excused=caught)
