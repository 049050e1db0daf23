"""Conversation state: FSM storage and event isolation in Redis or in memory."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress

from aiogram.fsm.storage.base import BaseEventIsolation, BaseStorage, DefaultKeyBuilder, StorageKey
from aiogram.fsm.storage.memory import MemoryStorage, SimpleEventIsolation
from aiogram.fsm.storage.redis import RedisEventIsolation, RedisStorage
from redis.asyncio import Redis
from redis.exceptions import RedisError

from backend.errors import ConfigError

KEY_PREFIX = "meydan"
LOCK_TTL = 10  # seconds: longer than any handler runs, and all a lock whose release was lost blocks its user


class UserIsolation(RedisEventIsolation):
    """One update per user at a time, across processes. A release lost to a Redis outage (the handler
    done, its reply sent) fails nothing: the lock lapses after ``LOCK_TTL`` seconds."""

    @asynccontextmanager
    async def lock(self, key: StorageKey) -> AsyncIterator[None]:
        lock = self.redis.lock(self.key_builder.build(key, "lock"), timeout=LOCK_TTL)
        await lock.acquire()
        try:
            yield
        finally:
            with suppress(RedisError):
                await lock.release()


async def connect_redis(url: str) -> Redis:
    """A Redis client that has answered a PING; otherwise a one-line ConfigError."""
    try:
        client = Redis.from_url(url, socket_connect_timeout=3)
    except ValueError as exc:
        raise ConfigError(
            f"MEYDAN_REDIS_URL={url!r} is not a Redis URL ({exc}); expected redis://host:6379/0"
        ) from None
    try:
        # redis-py types ping() once for its sync and asyncio clients (Awaitable[bool] | bool)
        await client.ping()  # type: ignore[misc]
    except (RedisError, OSError) as exc:
        await client.aclose()
        raise ConfigError(
            f"cannot reach Redis at {url}: {exc} (start Redis or unset MEYDAN_REDIS_URL for in-memory state)"
        ) from None
    return client


def build_state(redis: Redis | None) -> tuple[BaseStorage, BaseEventIsolation]:
    """FSM storage and per-user event isolation: Redis-backed (shared by processes) or in memory."""
    if redis is None:
        return MemoryStorage(), SimpleEventIsolation()
    keys = DefaultKeyBuilder(prefix=KEY_PREFIX, with_bot_id=True, with_destiny=True)
    return RedisStorage(redis, key_builder=keys), UserIsolation(redis, key_builder=keys)
