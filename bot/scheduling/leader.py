"""Leader election: of several bot processes, only the one holding the lock runs the leader's duties.

- Redis: ``SET key owner NX PX ttl``, extended every ``ttl/3`` by a compare-and-extend script (which
  takes the key back if it vanished early, as after a Redis restart) and deleted on shutdown by a
  compare-and-delete one. A leader that dies stops renewing; a follower takes over once the key
  expires. A leader that cannot renew within its ttl steps down on its own.
- PostgreSQL without Redis: ``pg_try_advisory_lock`` on a connection of its own (not pooled); the
  server releases the lock when that connection ends, so a crashed leader is replaced at the next try.
- SQLite without Redis: one process only, so it is the leader.

Between a leader freezing and a follower taking over both may briefly act; ``job_runs`` and the
outbox's claims keep that from running a firing or sending a message twice.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import math
from collections.abc import Awaitable, Callable
from contextlib import suppress
from typing import Protocol

from redis.asyncio import Redis
from sqlalchemy import text
from sqlalchemy.engine import URL
from sqlalchemy.ext.asyncio import AsyncConnection, create_async_engine
from sqlalchemy.pool import NullPool

log = logging.getLogger("meydan.leader")
DEFAULT_TTL = 15.0

_EXTEND = """
local holder = redis.call('get', KEYS[1])
if holder == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) end
if not holder then redis.call('set', KEYS[1], ARGV[1], 'PX', ARGV[2]) return 1 end
return 0
"""
_DELETE = """
if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end
return 0
"""


class LeaderLock(Protocol):
    """A lock at most one process holds; ``ttl``: seconds it outlives its holder's last renewal
    (None: as long as the holder's connection lives)."""

    @property
    def ttl(self) -> float | None: ...

    async def acquire(self) -> bool:
        """Try once to take the lock."""

    async def renew(self) -> bool:
        """Keep holding it; False if it was lost."""

    async def release(self) -> None:
        """Let it go (if held) and free what it used."""


class RedisLeaderLock:
    """The lock as a Redis key holding the owner's name, with a ttl."""

    def __init__(self, redis: Redis, key: str, owner: str, ttl: float = DEFAULT_TTL) -> None:
        self.redis = redis
        self.key = key
        self.owner = owner
        self.ttl = ttl
        self._extend = redis.register_script(_EXTEND)
        self._delete = redis.register_script(_DELETE)

    async def acquire(self) -> bool:
        return bool(await self.redis.set(self.key, self.owner, nx=True, px=self._ttl_ms))

    async def renew(self) -> bool:
        return bool(await self._extend(keys=[self.key], args=[self.owner, self._ttl_ms]))

    async def release(self) -> None:
        await self._delete(keys=[self.key], args=[self.owner])

    @property
    def _ttl_ms(self) -> int:
        return int(self.ttl * 1000)


class PostgresLeaderLock:
    """The lock as a PostgreSQL session-level advisory lock held on a dedicated connection."""

    ttl: float | None = None

    def __init__(self, url: URL, name: str) -> None:
        self.key = int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)
        self._engine = create_async_engine(url, poolclass=NullPool)
        self._connection: AsyncConnection | None = None

    async def acquire(self) -> bool:
        try:
            if self._connection is None:
                connection = await self._engine.connect()
                self._connection = await connection.execution_options(isolation_level="AUTOCOMMIT")
            return bool(await self._connection.scalar(text("SELECT pg_try_advisory_lock(:key)"), {"key": self.key}))
        except Exception:
            await self._close()
            raise

    async def renew(self) -> bool:
        if self._connection is None:
            return False
        try:
            await self._connection.execute(text("SELECT 1"))
        except Exception:  # the connection is gone, and the lock with it
            await self._close()
            return False
        return True

    async def release(self) -> None:
        if self._connection is not None:
            with suppress(Exception):
                await self._connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": self.key})
        await self._close()
        await self._engine.dispose()

    async def _close(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            with suppress(Exception):
                await connection.close()


class SoleLeader:
    """The only process there is (SQLite without Redis): always the leader."""

    ttl: float | None = None

    async def acquire(self) -> bool:
        return True

    async def renew(self) -> bool:
        return True

    async def release(self) -> None:
        return None


Duty = Callable[[], Awaitable[None]]


class LeaderElection:
    """Tries for the lock every ``interval`` seconds; runs ``on_elected`` on winning it and
    ``on_deposed`` on losing it (or on stopping while leader)."""

    def __init__(self, lock: LeaderLock, *, on_elected: Duty, on_deposed: Duty, interval: float | None = None) -> None:
        self.lock = lock
        self.on_elected = on_elected
        self.on_deposed = on_deposed
        self.interval = interval or (lock.ttl / 3 if lock.ttl else 5.0)
        self.is_leader = False
        self._valid_until = 0.0

    async def run(self, stop: asyncio.Event) -> None:
        """Campaign until ``stop`` is set; then step down and release the lock."""
        try:
            while not stop.is_set():
                await (self._hold() if self.is_leader else self._campaign())
                with suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), self.interval)
        finally:
            await self._resign()

    async def _campaign(self) -> None:
        started = asyncio.get_running_loop().time()
        if not await self._call(self.lock.acquire, "acquire"):
            return
        self._valid_until = started + (self.lock.ttl or math.inf)
        self.is_leader = True
        log.info("elected leader")
        try:
            await self.on_elected()
        except Exception:
            log.exception("could not take up the leader's duties; stepping down")
            await self._resign()

    async def _hold(self) -> None:
        """Renew the lock; step down if that fails or does not finish while the lock is surely ours."""
        started = asyncio.get_running_loop().time()
        left = self._valid_until - started

        async def renew() -> bool:
            return await asyncio.wait_for(self.lock.renew(), left if math.isfinite(left) else None)

        if left > 0 and await self._call(renew, "renewal"):
            self._valid_until = started + (self.lock.ttl or math.inf)
            return
        log.warning("lost the leader lock")
        await self._resign()

    async def _resign(self) -> None:
        """Put down the duties (if leading) and let the lock go, so anyone (this process too) may take it."""
        if self.is_leader:
            self.is_leader = False
            try:
                await self.on_deposed()
            except Exception:
                log.exception("stopping the leader's duties failed")
        await self._call(self.lock.release, "release")

    async def _call(self, action: Callable[[], Awaitable[bool | None]], what: str) -> bool:
        try:
            return bool(await action())
        except Exception as exc:  # Redis or PostgreSQL briefly away: try again next round
            log.warning("leader lock %s failed: %s", what, exc.__class__.__name__)
            return False
