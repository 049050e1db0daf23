"""Database engines and sessions: SQLite (WAL, foreign keys on) or PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.engine import URL
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

from backend.errors import ConfigError

Executor = AsyncSession | AsyncConnection
"""Where a statement runs: a use case's session, or a bare connection (the answer path's Core statements)."""


def dialect_name(executor: Executor) -> str:
    """``sqlite`` or ``postgresql``: the engine a session or connection talks to."""
    return executor.get_bind().dialect.name if isinstance(executor, AsyncSession) else executor.dialect.name


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def create_engine(url: URL) -> AsyncEngine:
    """An async engine for ``url``; a SQLite file's folder is created if missing."""
    if url.get_backend_name() == "sqlite":
        if url.database and url.database != ":memory:":
            Path(url.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_async_engine(url)
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        return engine
    return create_async_engine(url, pool_size=10, max_overflow=10, pool_pre_ping=True)


def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions that keep loaded objects usable after commit."""
    return async_sessionmaker(engine, expire_on_commit=False)


async def check_connection(engine: AsyncEngine) -> None:
    """Connect once; an unreachable or misconfigured database becomes a one-line ConfigError."""
    try:
        async with engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
    except (OperationalError, DBAPIError, OSError) as exc:
        reason = str(getattr(exc, "orig", exc) or exc.__class__.__name__).splitlines()[0]
        raise ConfigError(
            f"cannot connect to the database {engine.url.render_as_string(hide_password=True)}: {reason} "
            "(check MEYDAN_DATABASE_URL and that the server is running)"
        ) from None


@asynccontextmanager
async def transaction(sessions: async_sessionmaker[AsyncSession]) -> AsyncIterator[AsyncSession]:
    """A session inside one transaction: committed on success, rolled back on error."""
    async with sessions() as session, session.begin():
        yield session
