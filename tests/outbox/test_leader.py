"""Leader locks on Redis and PostgreSQL, and an election in which the leader freezes."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import asyncpg
import pytest
from redis.asyncio import Redis
from sqlalchemy.engine import URL

from bot.scheduling.leader import LeaderElection, PostgresLeaderLock, RedisLeaderLock
from tests.outbox.conftest import eventually

KEY = "meydan:515151:leader"


@pytest.fixture
async def clients(redis_url: str) -> AsyncIterator[tuple[Redis, Redis]]:
    """Two Redis clients, as two bot processes would have."""
    pair = (Redis.from_url(redis_url), Redis.from_url(redis_url))
    yield pair
    for client in pair:
        await client.aclose()


@pytest.mark.redis
async def test_the_redis_lock_is_exclusive_and_taken_over_after_its_ttl(clients: tuple[Redis, Redis]) -> None:
    a, b = (RedisLeaderLock(client, KEY, name, ttl=0.4) for client, name in zip(clients, "ab", strict=True))
    assert await a.acquire() and not await b.acquire()
    assert await a.renew() and not await b.renew()
    await clients[0].delete(KEY)  # the key vanished early (Redis restarted): the leader takes it back
    assert await a.renew() and not await b.acquire()
    await asyncio.sleep(0.5)  # a stopped renewing (it died)
    assert await b.acquire() and not await a.renew()
    await a.release()  # compare-and-delete: a no longer owns the key, so it stays
    assert await clients[1].get(KEY) == b"b"
    await b.release()
    assert await clients[1].get(KEY) is None


@pytest.mark.postgres
async def test_the_postgres_lock_is_freed_when_its_holders_connection_ends(postgres_url: URL) -> None:
    a, b = PostgresLeaderLock(postgres_url, KEY), PostgresLeaderLock(postgres_url, KEY)
    try:
        assert await a.acquire() and not await b.acquire()
        assert await a.renew()
        admin = await asyncpg.connect(postgres_url.set(drivername="postgresql").render_as_string(hide_password=False))
        try:  # the leader's process dies: the server ends its session
            await admin.execute("SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory'")
        finally:
            await admin.close()
        assert not await a.renew()
        assert await b.acquire()
    finally:
        await a.release()
        await b.release()


@pytest.mark.redis
async def test_a_follower_takes_over_when_the_leader_stops_renewing(clients: tuple[Redis, Redis]) -> None:
    events: list[tuple[str, str, int]] = []
    elections: dict[str, LeaderElection] = {}

    def record(name: str, event: str):  # type: ignore[no-untyped-def]
        async def duty() -> None:
            events.append((name, event, sum(e.is_leader for e in elections.values())))

        return duty

    for client, name in zip(clients, "ab", strict=True):
        lock = RedisLeaderLock(client, KEY, name, ttl=0.6)
        elections[name] = LeaderElection(
            lock, on_elected=record(name, "elected"), on_deposed=record(name, "deposed"), interval=0.1
        )
    stop = asyncio.Event()
    campaigns = [asyncio.create_task(e.run(stop)) for e in elections.values()]
    await eventually(lambda: any(e.is_leader for e in elections.values()))
    leader, follower = sorted(elections, key=lambda name: not elections[name].is_leader)
    never = asyncio.Event()

    async def frozen() -> bool:  # the leader hangs: its renewals never answer
        await never.wait()
        return True

    elections[leader].lock.renew = frozen  # type: ignore[method-assign]
    await eventually(lambda: elections[follower].is_leader, timeout=3)
    stop.set()
    await asyncio.gather(*campaigns)
    assert [(name, event) for name, event, _ in events] == [
        (leader, "elected"),
        (leader, "deposed"),
        (follower, "elected"),
        (follower, "deposed"),
    ]
    assert all(leaders <= 1 for _, _, leaders in events)  # never two leaders at once
    assert await clients[0].get(KEY) is None  # released on shutdown
