"""The supervisor of webhook workers: one worker's end stops the others and fails the whole."""

from __future__ import annotations

import asyncio
import signal

from bot.workers import stop_all, supervise


async def _sleepers(count: int) -> list[asyncio.subprocess.Process]:
    return [await asyncio.create_subprocess_exec("sleep", "60") for _ in range(count)]


async def test_a_dead_worker_ends_the_supervision_with_a_failure() -> None:
    workers = await _sleepers(2)
    workers[1].send_signal(signal.SIGKILL)
    assert await asyncio.wait_for(supervise(workers, asyncio.Event()), 10) == 1
    await stop_all(workers)
    assert workers[0].returncode == -signal.SIGTERM


async def test_a_requested_stop_is_a_success() -> None:
    workers, stop = await _sleepers(2), asyncio.Event()
    supervising = asyncio.create_task(supervise(workers, stop))
    stop.set()
    assert await asyncio.wait_for(supervising, 10) == 0
    await stop_all(workers)
    assert [worker.returncode for worker in workers] == [-signal.SIGTERM] * 2
