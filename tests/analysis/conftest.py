"""Fixtures for integration, aggregation and prioritization: migrated databases, the plan."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy.engine import URL
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from backend import migrate
from backend.db import create_engine, session_factory
from backend.plan import Plan, load_plan


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest) -> URL:
    """A fresh database: a SQLite file, then a PostgreSQL database."""
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


@pytest.fixture(scope="session")
def plan() -> Plan:
    """The bundled Mashhad plan."""
    return load_plan()
