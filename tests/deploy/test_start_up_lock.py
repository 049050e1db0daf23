"""Processes starting together on one SQLite file start up one at a time, as on PostgreSQL."""

from __future__ import annotations

import asyncio
from pathlib import Path

from backend.config import Settings
from bot.runner import starting_alone


async def test_a_second_start_up_on_the_same_sqlite_file_waits_for_the_first(tmp_path: Path) -> None:
    settings = Settings(database_url=f"sqlite+aiosqlite:///{tmp_path / 'data' / 'meydan.db'}")
    order: list[str] = []

    async def second() -> None:
        async with starting_alone(settings):
            order.append("second")

    async with starting_alone(settings):
        order.append("first")
        waiting = asyncio.create_task(second())
        await asyncio.sleep(0.3)
        assert order == ["first"]  # still waiting for the lock
        order.append("first done")
    await asyncio.wait_for(waiting, 5)
    assert order == ["first", "first done", "second"]
    assert (tmp_path / "data" / "meydan.db.start-up.lock").exists()


async def test_an_in_memory_sqlite_database_takes_no_lock(tmp_path: Path) -> None:
    settings = Settings(database_url="sqlite+aiosqlite:///:memory:")
    async with starting_alone(settings), starting_alone(settings):
        pass
