"""Expiring counters, in memory (a fake clock) and in a real Redis shared by two clients."""

from __future__ import annotations

import asyncio

import pytest
from redis.asyncio import Redis

from bot.counters import SWEEP_EVERY, MemoryCounters, RedisCounters


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def test_memory_counts_expire_and_can_be_held() -> None:
    clock = Clock()
    counters = MemoryCounters(clock)
    assert [await counters.hit("a", 10) for _ in range(3)] == [1, 2, 3]
    assert await counters.hit("b", 10) == 1  # keys count apart
    clock.now += 9.9
    assert await counters.hit("a", 10) == 4  # the window is fixed from the first hit
    clock.now += 0.2
    assert await counters.hit("a", 10) == 1  # expired: a new window
    await counters.hold("a", 60)
    clock.now += 30
    assert await counters.hit("a", 10) == 2  # held beyond its window
    assert await counters.count("a") == 2 and await counters.count("never") == 0
    clock.now += 31
    assert await counters.count("a") == 0  # expired
    await counters.hold("a", 60)  # expired: holding does not bring it back
    assert await counters.hit("a", 10) == 1


async def test_memory_sweeps_expired_counters() -> None:
    clock = Clock()
    counters = MemoryCounters(clock)
    for user in range(1000):
        await counters.hit(f"user:{user}", 5)
    assert len(counters) == 1000
    clock.now += SWEEP_EVERY + 1
    await counters.hit("late", 5)
    assert len(counters) == 1


@pytest.mark.redis
async def test_redis_counts_are_shared_and_expire(redis_url: str) -> None:
    first, second = Redis.from_url(redis_url), Redis.from_url(redis_url)
    try:
        one, other = RedisCounters(first), RedisCounters(second)  # as two bot processes would
        counts = await asyncio.gather(*(counters.hit("42:throttle:7", 2) for counters in (one, other) * 5))
        assert sorted(counts) == list(range(1, 11))
        assert await one.count("42:throttle:7") == 10 and await one.count("42:throttle:none") == 0
        assert 0 < await first.ttl("meydan:42:throttle:7") <= 2
        await other.hold("42:throttle:7", 30)
        assert 2 < await first.ttl("meydan:42:throttle:7") <= 30
        await first.expire("meydan:42:throttle:7", 1)
        await asyncio.sleep(1.2)
        assert await one.hit("42:throttle:7", 2) == 1
        await one.hold("42:throttle:gone", 30)  # nothing to hold: no key appears
        assert await first.exists("meydan:42:throttle:gone") == 0
    finally:
        await first.aclose()
        await second.aclose()
