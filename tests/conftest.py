"""Shared fixtures: real databases (SQLite file, PostgreSQL), real Redis and a real browser (Chromium).

PostgreSQL and Redis tests run when MEYDAN_TEST_POSTGRES_URL / MEYDAN_TEST_REDIS_URL are set
(CI sets both). With MEYDAN_TEST_REQUIRE_SERVICES=1 a run in which they were skipped, or did
not run at all, fails.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

import bot  # noqa: F401  # first, as in `meydan run`: aiogram's Telegram types then build on first use (bot/lazy.py)
from backend import migrate
from backend.config import async_database_url
from backend.db import create_engine, session_factory

if TYPE_CHECKING:
    from playwright.async_api import Browser

POSTGRES_ENV = "MEYDAN_TEST_POSTGRES_URL"
REDIS_ENV = "MEYDAN_TEST_REDIS_URL"
REQUIRE_ENV = "MEYDAN_TEST_REQUIRE_SERVICES"
_service_outcomes: dict[str, list[str]] = {"postgres": [], "redis": []}


def _require_services() -> bool:
    return os.environ.get(REQUIRE_ENV, "") not in ("", "0")


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    for marker in _service_outcomes:
        if marker in report.keywords and (report.when == "call" or report.skipped):
            _service_outcomes[marker].append(report.outcome)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if not _require_services() or exitstatus not in (0, 5):
        return
    for marker, outcomes in _service_outcomes.items():
        if not outcomes or "skipped" in outcomes:
            session.config.stash[_missing_key] = f"{marker} tests were skipped or did not run"
            session.exitstatus = 1


_missing_key = pytest.StashKey[str]()

TESTS = Path(__file__).parent
SLOW_DIRECTORIES = {"bench", "deploy", "faults"}  # benchmarks, killed and restarted processes, deployments
SLOW_FIXTURES = {
    "postgres_url",  # a PostgreSQL database created, migrated and dropped for the test: seconds each
    "browser",  # Chromium launched
    "settings_for",  # the real bot polling the emulator (tests/e2e, tests/hardening): seconds to tens of seconds
}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark ``slow`` what the inner loop (``pytest -m "not slow"``) leaves to CI: whole directories, tests
    using a slow fixture, every PostgreSQL variant; single slow tests carry ``@pytest.mark.slow`` themselves."""
    for item in items:
        directory = item.path.relative_to(TESTS).parts[0]
        fixtures = set(getattr(item, "fixturenames", ()))
        if directory in SLOW_DIRECTORIES or fixtures & SLOW_FIXTURES or item.get_closest_marker("postgres"):
            item.add_marker(pytest.mark.slow)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    counts = {m: len([o for o in outs if o == "passed"]) for m, outs in _service_outcomes.items()}
    terminalreporter.write_line(f"service tests passed: postgres={counts['postgres']} redis={counts['redis']}")
    missing = terminalreporter.config.stash.get(_missing_key, None)
    if missing:
        terminalreporter.write_line(f"FAILED: {missing} ({REQUIRE_ENV} is set)", red=True)


def _service_url(env: str) -> str:
    url = os.environ.get(env)
    if not url:
        if _require_services():
            pytest.fail(f"{env} is not set but {REQUIRE_ENV} is")
        pytest.skip(f"{env} not set")
    return url


@pytest.fixture(scope="session")
def postgres_server_url() -> URL:
    """The PostgreSQL server given by MEYDAN_TEST_POSTGRES_URL (skips when unset)."""
    return async_database_url(_service_url(POSTGRES_ENV))


@pytest.fixture
async def postgres_url(postgres_server_url: URL) -> AsyncIterator[URL]:
    """A fresh, empty PostgreSQL database for one test, dropped afterwards."""
    import asyncpg

    name = f"meydan_test_{uuid.uuid4().hex[:12]}"
    admin = postgres_server_url.set(drivername="postgresql")
    conn = await asyncpg.connect(admin.render_as_string(hide_password=False))
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    yield postgres_server_url.set(database=name)
    conn = await asyncpg.connect(admin.render_as_string(hide_password=False))
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


@pytest.fixture
async def redis_url() -> AsyncIterator[str]:
    """The Redis given by MEYDAN_TEST_REDIS_URL, flushed before and after the test."""
    from redis.asyncio import Redis

    url = _service_url(REDIS_ENV)
    client = Redis.from_url(url)
    await client.flushdb()
    yield url
    await client.flushdb()
    await client.aclose()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> URL:
    """A SQLite file database in the test's temporary folder."""
    return make_url(f"sqlite+aiosqlite:///{tmp_path / 'meydan.db'}")


@dataclass(frozen=True)
class Stack:
    """Which database and state store a test runs on."""

    name: str
    database_url: URL
    redis_url: str | None


@pytest.fixture(
    params=["sqlite-memory", pytest.param("postgres-redis", marks=[pytest.mark.postgres, pytest.mark.redis])]
)
def stack(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Stack]:
    """Run a test twice: SQLite with in-memory state, and PostgreSQL with Redis."""
    if request.param == "sqlite-memory":
        yield Stack("sqlite-memory", request.getfixturevalue("sqlite_url"), None)
    else:
        yield Stack("postgres-redis", request.getfixturevalue("postgres_url"), request.getfixturevalue("redis_url"))


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest) -> URL:
    """A fresh database: a SQLite file, then a PostgreSQL database (each test runs on both)."""
    return request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "postgres_url")


async def _migrated(url: URL) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    engine = create_engine(url)
    await migrate.upgrade(engine)
    yield session_factory(engine)
    await engine.dispose()


@pytest.fixture
async def sessions(database_url: URL) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """Sessions on a migrated database, on SQLite and on PostgreSQL."""
    async for made in _migrated(database_url):
        yield made


@pytest.fixture
async def sqlite_sessions(sqlite_url: URL) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """Sessions on a migrated SQLite database only (for tests whose SQL is not the point)."""
    async for made in _migrated(sqlite_url):
        yield made


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    """Debian's headless Chromium through Playwright (``tests.browser``); skipped without it, or failing
    when MEYDAN_TEST_REQUIRE_SERVICES is set (CI installs it)."""
    from tests.browser import CHROMIUM, launched

    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is not installed (apt-get install chromium; .ci/run does)"
        if _require_services():
            pytest.fail(f"{message} but {REQUIRE_ENV} is set")
        pytest.skip(message)
    async with launched() as chromium:
        yield chromium
