"""On SQLite the bot's answer transactions take turns in the process; on PostgreSQL they do not wait."""

from __future__ import annotations

import asyncio
from pathlib import Path

from backend.config import Settings
from backend.context import AppContext
from backend.plan import load_plan


def _app(database_url: str, tmp_path: Path) -> AppContext:
    secret_key = "test-secret-key-of-32-characters-long"
    settings = Settings(database_url=database_url, secret_key=secret_key, data_dir=str(tmp_path))
    return AppContext(settings=settings, plan=load_plan(), engine=None, sessions=None)  # type: ignore[arg-type]


async def _most_at_once(app: AppContext) -> int:
    inside, most = 0, 0

    async def writer() -> None:
        nonlocal inside, most
        async with app.write_turn():
            inside += 1
            most = max(most, inside)
            await asyncio.sleep(0.01)
            inside -= 1

    await asyncio.gather(*(writer() for _ in range(5)))
    return most


async def test_sqlite_writers_take_turns(tmp_path: Path) -> None:
    assert await _most_at_once(_app(f"sqlite+aiosqlite:///{tmp_path / 'm.db'}", tmp_path)) == 1


async def test_postgres_writers_do_not_wait(tmp_path: Path) -> None:
    assert await _most_at_once(_app("postgresql+asyncpg://postgres@127.0.0.1/test", tmp_path)) == 5
