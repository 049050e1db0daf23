"""A sender process killed halfway through a push, then a new sender: nothing lost, nothing doubled
except what the kill caught between Telegram's answer and the commit (and exactly that)."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.engine import URL
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from backend.models import OutboxMessage, utcnow
from backend.services import outbox
from bot.outbox import OutboxSender
from bot.outbox.sender import MAX_UNSETTLED
from sandbox.bench.broadcast import broadcast, delivery, emulator_bot, open_chats
from sandbox.bench.survey.stack import bot_environment
from sandbox.emulator import running_emulator
from tests.outbox.conftest import TOKEN, eventually
from tests.outbox.test_sender import FAST

LEASE = timedelta(seconds=15)
DRAIN = (sys.executable, "-m", "bot", "outbox", "drain", "--global-rate", "150", "--lease", str(LEASE.seconds))


@pytest.mark.slow  # kills and restarts a sender process
async def test_a_killed_sender_resumes_with_no_message_lost_or_sent_twice(
    sqlite_url: URL, sqlite_sessions: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    """On SQLite only, to keep the suite short: the claims this relies on are tested on both databases."""
    sessions = sqlite_sessions
    chats = list(range(40_000, 40_250))
    messages = broadcast(chats, 1000, "crash")
    async with sessions() as session, session.begin():
        await outbox.enqueue_many(session, messages)
    log = tmp_path / "drain.log"
    async with running_emulator(flood_limits=True, **FAST) as emulator:
        open_chats(emulator, TOKEN, chats)
        env = bot_environment(
            TOKEN, emulator.base_url, sqlite_url.render_as_string(hide_password=False), None, tmp_path / "data"
        )
        with log.open("wb") as errors:  # the sender process, as ``meydan outbox drain`` runs it
            first = await asyncio.create_subprocess_exec(
                *DRAIN, env=env, stdout=asyncio.subprocess.DEVNULL, stderr=errors
            )
        accepted = emulator.bot(TOKEN).flood.accepted_per_chat
        await eventually(lambda: sum(accepted.values()) >= 500 or first.returncode is not None, timeout=60)
        assert first.returncode is None, log.read_text()
        os.kill(first.pid, signal.SIGSTOP)  # freeze it, look at what it left half done, then kill it
        await asyncio.sleep(0.3)  # requests already on the wire reach the emulator
        arrived = set(delivery(emulator, TOKEN, messages).copies)
        async with sessions() as session:
            sending = set(
                await session.scalars(select(OutboxMessage.dedupe_key).where(OutboxMessage.status == outbox.SENDING))
            )
        first.send_signal(signal.SIGKILL)
        await first.wait()
        caught = {m.payload["text"] for m in messages if m.key in sending} & arrived  # accepted, not yet marked

        bot = emulator_bot(emulator, TOKEN)  # a new sender, its clock past the dead one's leases
        later = OutboxSender(bot, sessions, global_rate=150, lease=LEASE, clock=lambda: utcnow() + LEASE)
        try:
            await later.drain(timeout=60)
        finally:
            await bot.session.close()
        received = delivery(emulator, TOKEN, messages)
    print(f"killed after {len(arrived)} of 1000; {len(sending)} claimed, {len(caught)} caught in the window")
    assert received.lost == 0
    assert len(caught) <= MAX_UNSETTLED
    assert {text for text, copies in received.copies.items() if copies > 1} == caught, log.read_text()
    assert received.duplicates == len(caught)
    async with sessions() as session:
        assert (await outbox.summary(session)).counts["sent"] == 1000
