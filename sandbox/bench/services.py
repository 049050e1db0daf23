"""PostgreSQL and Redis for benchmarks: scratch databases, server versions, cleaning up keys."""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import asyncpg
from redis.asyncio import Redis
from sqlalchemy.engine import URL

from backend.config import async_database_url

CONNECT_TIMEOUT = 5.0


def _admin_dsn(url: URL) -> str:
    """The server's DSN for asyncpg (the SQLAlchemy driver name removed)."""
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


async def _execute(url: URL, sql: str) -> None:
    conn = await asyncpg.connect(_admin_dsn(url), timeout=CONNECT_TIMEOUT)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


@asynccontextmanager
async def scratch_database(server_url: str) -> AsyncIterator[URL]:
    """A new database ``meydan_bench_<random>`` on the server of ``server_url``, dropped on exit.

    ``server_url`` names any database the user may connect to (it is used to create the new one);
    the URL yielded has the async driver Meydan uses.
    """
    server = async_database_url(server_url)
    name = f"meydan_bench_{secrets.token_hex(6)}"
    await _execute(server, f'CREATE DATABASE "{name}"')
    try:
        yield server.set(database=name)
    finally:
        await _execute(server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


async def postgres_version(server_url: str) -> str:
    """The server's ``server_version``."""
    conn = await asyncpg.connect(_admin_dsn(async_database_url(server_url)), timeout=CONNECT_TIMEOUT)
    try:
        return str(await conn.fetchval("SHOW server_version"))
    finally:
        await conn.close()


async def redis_version(url: str) -> str:
    """The Redis server's version."""
    async with Redis.from_url(url, socket_connect_timeout=CONNECT_TIMEOUT) as client:
        info = await client.info("server")
    return str(info["redis_version"])


async def delete_keys(url: str, pattern: str) -> int:
    """Delete the keys matching ``pattern`` (what one benchmark run wrote); returns how many."""
    deleted = 0
    async with Redis.from_url(url, socket_connect_timeout=CONNECT_TIMEOUT) as client:
        async for key in client.scan_iter(match=pattern, count=1000):
            deleted += await client.delete(key)
    return deleted
