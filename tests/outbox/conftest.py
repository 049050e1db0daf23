"""Fixtures of the outbox and scheduler tests: a migrated database (SQLite and PostgreSQL), apps, bots."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest
from aiogram import Bot
from sqlalchemy.engine import URL
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from backend import migrate
from backend.config import load_settings
from backend.db import create_engine, session_factory
from backend.plan import load_plan
from bot.context import AppContext

TOKEN = "515151:outbox-tests"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest) -> URL:
    """Each test twice: on a SQLite file and on a fresh PostgreSQL database."""
    return request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "postgres_url")


async def _migrated(url: URL) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    engine = create_engine(url)
    await migrate.upgrade(engine)
    yield session_factory(engine)
    await engine.dispose()


@pytest.fixture
async def sessions(database_url: URL) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """Sessions on the migrated database (each test on SQLite and on PostgreSQL)."""
    async for made in _migrated(database_url):
        yield made


@pytest.fixture
async def sqlite_sessions(sqlite_url: URL) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """Sessions on a migrated SQLite database, for tests where the database makes no difference."""
    async for made in _migrated(sqlite_url):
        yield made


AppFactory = Callable[..., "AppContext"]


@pytest.fixture
async def make_app(tmp_path: Path) -> AsyncIterator[AppFactory]:
    """``make_app(url, redis_url=None, **settings)``: an AppContext with an engine of its own (a "process")."""
    engines = []

    def make(url: URL, redis_url: str | None = None, **settings: object) -> AppContext:
        values = dict(bot_token=TOKEN, data_dir=tmp_path / "data", secret_key="outbox-tests", redis_url=redis_url,
                      database_url=url.render_as_string(hide_password=False)) | settings
        engine = create_engine(url)
        engines.append(engine)
        return AppContext(settings=load_settings(**values), plan=load_plan(), engine=engine,
                          sessions=session_factory(engine))

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
