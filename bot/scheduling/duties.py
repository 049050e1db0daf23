"""The leader's duties: the job scheduler and the outbox sender.

Every bot process enters ``leader_duties``; only the elected one runs them. The sender runs on the
leader only because Telegram's limits are per bot, not per process: one sender keeps under them.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import socket
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager

from aiogram import Bot
from redis.asyncio import Redis

from backend.context import AppContext
from bot.outbox import OutboxSender
from bot.scheduling.leader import LeaderElection, LeaderLock, PostgresLeaderLock, RedisLeaderLock, SoleLeader
from bot.scheduling.registry import ScheduledJob, collect_jobs
from bot.scheduling.scheduler import JobScheduler
from bot.sessions import KEY_PREFIX, connect_redis

JobList = Callable[[AppContext], Sequence[ScheduledJob]]


def process_owner() -> str:
    """A name for this process in locks and job runs: host, pid and a random tag."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"


def leader_lock(app: AppContext, redis: Redis | None, bot_id: int, owner: str) -> LeaderLock:
    """Redis if configured, else a PostgreSQL advisory lock, else (SQLite) the sole process leads."""
    name = f"{KEY_PREFIX}:{bot_id}:leader"
    if redis is not None:
        return RedisLeaderLock(redis, name, owner)
    if app.settings.db_url.get_backend_name() == "postgresql":
        return PostgresLeaderLock(app.settings.db_url, name)
    return SoleLeader()


class LeaderDuties:
    """Starts the scheduler (jobs rebuilt from ``jobs(app)``) and the sender; stops both."""

    def __init__(self, bot: Bot, app: AppContext, *, owner: str, jobs: JobList = collect_jobs) -> None:
        self.bot = bot
        self.app = app
        self.owner = owner
        self.jobs = jobs
        self._scheduler: JobScheduler | None = None
        self._sender: asyncio.Task[None] | None = None
        self._stop = asyncio.Event()

    async def start(self) -> None:
        """Take up the duties (on being elected)."""
        self._scheduler = JobScheduler(self.bot, self.app, self.jobs(self.app), owner=self.owner)
        await self._scheduler.start()
        sender = OutboxSender(self.bot, self.app.sessions, admin_ids=self.app.settings.admin_ids)
        self._stop = asyncio.Event()
        self._sender = asyncio.create_task(sender.run(self._stop))

    async def stop(self) -> None:
        """Put them down (on losing the lock or shutting down): sends under way and running jobs finish."""
        sender, self._sender = self._sender, None
        scheduler, self._scheduler = self._scheduler, None
        if sender is not None:
            self._stop.set()
            await sender
        if scheduler is not None:
            await scheduler.stop()


@asynccontextmanager
async def leader_duties(bot: Bot, app: AppContext, *, jobs: JobList = collect_jobs) -> AsyncIterator[LeaderElection]:
    """Campaign for leadership for the length of the block; the leader runs the scheduler and sender."""
    owner = process_owner()
    redis = await connect_redis(app.settings.redis_url) if app.settings.redis_url else None
    duties = LeaderDuties(bot, app, owner=owner, jobs=jobs)
    election = LeaderElection(leader_lock(app, redis, bot.id, owner), on_elected=duties.start, on_deposed=duties.stop)
    stop = asyncio.Event()
    campaign = asyncio.create_task(election.run(stop))
    try:
        yield election
    finally:
        stop.set()
        await campaign
        if redis is not None:
            await redis.aclose()
