"""Fixtures of the outbox and scheduler tests: a migrated database (SQLite and PostgreSQL), apps, bots."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest
from aiogram import Bot
from sqlalchemy.engine import URL

from backend.config import load_settings
from backend.context import AppContext
from backend.db import create_engine, session_factory
from backend.plan import load_plan

TOKEN = "515151:outbox-tests"


AppFactory = Callable[..., "AppContext"]


@pytest.fixture
async def make_app(tmp_path: Path) -> AsyncIterator[AppFactory]:
    """``make_app(url, redis_url=None, **settings)``: an AppContext with an engine of its own (a "process")."""
    engines = []

    def make(url: URL, redis_url: str | None = None, **settings: object) -> AppContext:
        values = (
            dict(
                bot_token=TOKEN,
                data_dir=tmp_path / "data",
                secret_key="outbox-tests-secret-key-of-32-characters",
                redis_url=redis_url,
                database_url=url.render_as_string(hide_password=False),
            )
            | settings
        )
        engine = create_engine(url)
        engines.append(engine)
        return AppContext(
            settings=load_settings(**values), plan=load_plan(), engine=engine, sessions=session_factory(engine)
        )

    yield make
    for engine in engines:
        await engine.dispose()


@pytest.fixture
async def bot() -> AsyncIterator[Bot]:
    """A Bot that is never asked to send (jobs that only record their runs)."""
    bot = Bot(TOKEN)
    yield bot
    await bot.session.close()


async def eventually(predicate: Callable[[], bool], timeout: float = 5.0) -> None:
    """Wait until ``predicate()`` holds, checking every 20 ms; AssertionError after ``timeout`` seconds."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not predicate():
        assert loop.time() < deadline, f"not true within {timeout}s"
        await asyncio.sleep(0.02)
