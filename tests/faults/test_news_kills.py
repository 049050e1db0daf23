"""The weekly news batch is SIGKILLed while it queues, then run again: every contributor gets exactly one
message for the week, listing their item (0 lost, 0 doubled), and what each was told is recorded."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections import Counter
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.engine import URL

from backend.models import Finding, OutboxMessage, StageEvent, StageNotice
from sandbox.bench.lifecycle import FIRST_CHAT, context, populate
from tests.faults.conftest import Ledger

CONTRIBUTORS = 6_000
KILLS = 2
WEEK = "2026-12-05"
RUN_TIMEOUT = 300.0


async def _start(url: URL, workdir: Path) -> asyncio.subprocess.Process:
    env = {
        **os.environ,
        "MEYDAN_DATABASE_URL": url.render_as_string(hide_password=False),
        "MEYDAN_DATA_DIR": str(workdir),
        "MEYDAN_SECRET_KEY": "bench-lifecycle-secret-key-32-chars!",
    }
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "news",
        "--week",
        WEEK,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )


async def _queued(app) -> int:  # type: ignore[no-untyped-def]
    async with app.sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(OutboxMessage)) or 0)


async def test_the_weekly_batch_killed_midway_loses_and_doubles_nothing(
    sqlite_url: URL, tmp_path: Path, ledger: Ledger
) -> None:
    app = context(sqlite_url, tmp_path)
    try:
        await populate(app, CONTRIBUTORS)
        seen = 0
        for _ in range(KILLS):
            process = await _start(sqlite_url, tmp_path)
            loop = asyncio.get_running_loop()
            deadline = loop.time() + RUN_TIMEOUT
            while await _queued(app) <= seen + ledger.rng.randrange(1, 1_500):  # some chunks in, not all
                assert process.returncode is None, (await process.communicate())[1].decode()
                assert loop.time() < deadline, "the batch queued nothing in time"
                await asyncio.sleep(0.02)
            process.send_signal(signal.SIGKILL)
            await process.wait()
            seen = await _queued(app)
            assert seen < CONTRIBUTORS, "the batch finished before it was killed"
            ledger.killed()
        final = await _start(sqlite_url, tmp_path)
        out, err = await asyncio.wait_for(final.communicate(), RUN_TIMEOUT)
        assert final.returncode == 0, err.decode()

        async with app.sessions() as session:
            rows = (await session.execute(select(OutboxMessage.chat_id, OutboxMessage.payload))).all()
            said = dict((await session.execute(select(Finding.participant_id, Finding.text))).all())
            latest = dict(
                (
                    await session.execute(
                        select(StageEvent.subject_id, func.max(StageEvent.id)).group_by(StageEvent.subject_id)
                    )
                ).all()
            )
            told = (await session.execute(select(StageNotice.event_id))).scalars().all()
        expected = Counter({FIRST_CHAT + i: 1 for i in range(CONTRIBUTORS)})
        stored = Counter(chat for chat, payload in rows if said[chat - FIRST_CHAT + 1] in payload["text"])
        ledger.settle("weekly news", expected, stored)
        assert len(rows) == CONTRIBUTORS
        assert len(told) == CONTRIBUTORS and set(told) <= set(latest.values())
        print(f"{KILLS} kills during the weekly batch of {CONTRIBUTORS}: {len(rows)} messages, each once")
    finally:
        await app.engine.dispose()
