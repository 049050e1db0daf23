"""Expiring counters for throttling and once-only notices: in Redis (shared by every bot process)
or in this process's memory.

A counter starts at the first ``hit`` and lives ``ttl`` seconds from then; ``hold`` keeps it alive
for a while longer. Keys are ``<bot id>:<what>:<who>``; Redis stores them under ``meydan:``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Protocol

from aiogram.fsm.storage.base import BaseStorage
from aiogram.fsm.storage.redis import RedisStorage
from redis.asyncio import Redis

from bot.sessions import KEY_PREFIX

SWEEP_EVERY = 60.0  # seconds between sweeps of expired in-memory counters
_HIT = "local n = redis.call('INCR', KEYS[1]) if n == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end return n"


class Counters(Protocol):
    """Where expiring counters live."""

    async def hit(self, key: str, ttl: int) -> int:
        """Add one to ``key`` (a new counter lives ``ttl`` seconds) and return the count now."""

    async def hold(self, key: str, ttl: int) -> None:
        """Let ``key`` live ``ttl`` seconds from now (nothing if it has expired)."""

    async def count(self, key: str) -> int:
        """The count of ``key`` now (0 if it has expired or never started)."""


class MemoryCounters:
    """Counters of one process; expired ones are swept now and then so memory stays bounded."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._counts: dict[str, tuple[int, float]] = {}  # key -> (count, expiry on the clock)
        self._next_sweep = 0.0

    def __len__(self) -> int:
        return len(self._counts)

    async def hit(self, key: str, ttl: int) -> int:
        """Add one to ``key`` (a new counter lives ``ttl`` seconds) and return the count now."""
        now = self._clock()
        self._sweep(now)
        count, expires = self._counts.get(key, (0, now))
        if expires <= now:
            count, expires = 0, now + ttl
        self._counts[key] = (count + 1, expires)
        return count + 1

    async def hold(self, key: str, ttl: int) -> None:
        """Let ``key`` live ``ttl`` seconds from now (nothing if it has expired)."""
        now = self._clock()
        count, expires = self._counts.get(key, (0, now))
        if expires > now:
            self._counts[key] = (count, now + ttl)

    async def count(self, key: str) -> int:
        """The count of ``key`` now (0 if it has expired or never started)."""
        count, expires = self._counts.get(key, (0, 0.0))
        return count if expires > self._clock() else 0

    def _sweep(self, now: float) -> None:
        if now >= self._next_sweep:
            self._counts = {key: value for key, value in self._counts.items() if value[1] > now}
            self._next_sweep = now + SWEEP_EVERY


class RedisCounters:
    """Counters in Redis: a hit is one atomic script call (INCR, and EXPIRE when the counter is new).

    A script rather than a MULTI transaction: a flood arrives as hundreds of concurrent updates, and
    a script call costs redis-py a sixth of the CPU of a transaction under such concurrency.
    """

    def __init__(self, redis: Redis) -> None:
        self._redis = redis
        self._hit = redis.register_script(_HIT)

    async def hit(self, key: str, ttl: int) -> int:
        """Add one to ``key`` (a new counter lives ``ttl`` seconds) and return the count now."""
        return int(await self._hit(keys=[f"{KEY_PREFIX}:{key}"], args=[ttl]))

    async def hold(self, key: str, ttl: int) -> None:
        """Let ``key`` live ``ttl`` seconds from now (nothing if it has expired)."""
        await self._redis.expire(f"{KEY_PREFIX}:{key}", ttl)

    async def count(self, key: str) -> int:
        """The count of ``key`` now (0 if it has expired or never started)."""
        return int(await self._redis.get(f"{KEY_PREFIX}:{key}") or 0)


def counters_for(storage: BaseStorage) -> Counters:
    """Counters beside the conversation state: in its Redis, else in memory."""
    if isinstance(storage, RedisStorage):
        return RedisCounters(storage.redis)
    return MemoryCounters()
