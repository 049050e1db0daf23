"""Scheduled jobs: plan triggers, one run per firing across processes and restarts, catch-up, leaders."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from aiogram import Bot
from sqlalchemy import select
from sqlalchemy.engine import URL

from backend import migrate
from backend.context import AppContext
from backend.models.operations import JobRun
from backend.services import jobs as job_runs
from bot.scheduling import JobContext, ScheduledJob, every, leader_duties, weekly
from bot.scheduling.registry import collect_jobs
from bot.scheduling.scheduler import JobScheduler, last_firing
from tests.outbox.conftest import AppFactory, eventually

TEHRAN = ZoneInfo("Asia/Tehran")
SATURDAY_0930 = datetime(2026, 11, 28, 9, 30, tzinfo=TEHRAN)  # a Saturday


@pytest.fixture
async def app(make_app: AppFactory, database_url: URL) -> AsyncIterator[AppContext]:
    """An app on a migrated database (SQLite, then PostgreSQL)."""
    app = make_app(database_url)
    await migrate.upgrade(app.engine)
    yield app


class Recorder:
    """A job function that notes which app ("process") ran which firing."""

    def __init__(self) -> None:
        self.runs: list[tuple[int, datetime]] = []

    async def __call__(self, ctx: JobContext) -> None:
        self.runs.append((id(ctx.app), ctx.fired_at))

    def firings(self) -> list[datetime]:
        return [fired for _, fired in self.runs]


class CountingScheduler(JobScheduler):
    """Notes whether each firing it tried was its to run."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.outcomes: list[bool] = []

    async def fire(self, job: ScheduledJob, fired_at: datetime, *, take_over: bool = False) -> bool:
        ran = await super().fire(job, fired_at, take_over=take_over)
        self.outcomes.append(ran)
        return ran


TwoProcesses = tuple[Recorder, ScheduledJob, list[CountingScheduler]]


@pytest.fixture
def two_processes(app: AppContext, make_app: AppFactory, database_url: URL, bot: Bot) -> TwoProcesses:
    """A job firing every second, its recorder, and two schedulers on engines of their own."""
    recorder = Recorder()
    job = ScheduledJob("test.every_second", every(timedelta(seconds=1)), recorder)
    apps = [app, make_app(database_url)]
    return recorder, job, [CountingScheduler(bot, each, [job], owner=f"p{n}") for n, each in enumerate(apps)]


def test_a_bodys_weekly_schedule_fires_in_the_plans_time_zone(make_app: AppFactory, sqlite_url: URL) -> None:
    app = make_app(sqlite_url)
    body = app.plan.bodies[0]  # the drafting committee: Saturdays 09:00
    trigger = weekly(body.schedule, app.zone)
    fired = trigger.get_next_fire_time(None, datetime(2026, 11, 27, tzinfo=UTC))
    assert fired == datetime(2026, 11, 28, 9, 0, tzinfo=TEHRAN)
    assert last_firing(trigger, SATURDAY_0930, timedelta(days=1)) == fired
    assert last_firing(trigger, SATURDAY_0930, timedelta(minutes=10)) is None
    assert make_app(sqlite_url, timezone="Asia/Dubai").zone == ZoneInfo("Asia/Dubai")


def test_job_sources_are_collected_and_ids_must_be_unique(make_app: AppFactory, sqlite_url: URL) -> None:
    app = make_app(sqlite_url)
    assert {job.id for job in collect_jobs(app)} >= {"outbox.maintenance", "meetings.remind_stale"}
    with pytest.raises(ValueError, match="repeated: outbox.maintenance"):
        collect_jobs(app, ["bot.scheduling.builtin:outbox_jobs"] * 2)


async def test_each_firing_runs_once_across_processes_and_restarts(
    two_processes: TwoProcesses, make_app: AppFactory, database_url: URL, bot: Bot
) -> None:
    recorder, job, processes = two_processes
    fired = [datetime(2026, 11, 28, 6, minute, tzinfo=UTC) for minute in range(5)]
    outcomes = await asyncio.gather(*(p.fire(job, at) for at in fired for p in processes))
    assert sum(outcomes) == 5 and sorted(recorder.firings()) == fired
    restarted = JobScheduler(bot, make_app(database_url), [job], owner="p2")
    assert not await restarted.fire(job, fired[0]) and len(recorder.runs) == 5


async def test_a_failing_job_is_recorded_with_its_error(app: AppContext, bot: Bot) -> None:
    async def broken(ctx: JobContext) -> None:
        raise RuntimeError("no agenda")

    job = ScheduledJob("test.broken", every(timedelta(minutes=1)), broken)
    assert await JobScheduler(bot, app, [job], owner="p").fire(job, datetime(2026, 11, 28, tzinfo=UTC))
    async with app.sessions() as session:
        run = await session.scalar(select(JobRun))
    assert run is not None and run.finished_at is not None and run.error == "RuntimeError: no agenda"


async def test_start_up_catches_up_a_missed_firing_once_and_takes_over_an_unfinished_one(
    app: AppContext, bot: Bot
) -> None:
    missed, unfinished = Recorder(), Recorder()
    saturday = weekly(app.plan.bodies[0].schedule, TEHRAN)
    jobs = [
        ScheduledJob("test.missed", saturday, missed, catch_up=timedelta(hours=1)),
        ScheduledJob("test.unfinished", saturday, unfinished, catch_up=timedelta(hours=1)),
        ScheduledJob("test.no_catch_up", saturday, Recorder()),
    ]
    nine = SATURDAY_0930.replace(minute=0)
    async with app.sessions() as session, session.begin():  # a leader died while running this firing
        assert await job_runs.claim_run(
            session, "test.unfinished", job_runs.run_key(nine), owner="dead", now=nine.astimezone(UTC)
        )

    async def start_and_stop(owner: str) -> None:
        scheduler = JobScheduler(bot, app, jobs, owner=owner, clock=lambda: SATURDAY_0930.astimezone(UTC))
        await scheduler.start()
        await scheduler.stop()

    await start_and_stop("first")
    await start_and_stop("restarted")
    assert missed.firings() == unfinished.firings() == [nine]


@pytest.mark.postgres
@pytest.mark.redis
async def test_two_bot_processes_run_each_scheduled_firing_once(
    make_app: AppFactory, postgres_url: URL, redis_url: str, bot: Bot
) -> None:
    recorder = Recorder()
    job = ScheduledJob("test.every_second", every(timedelta(seconds=1)), recorder)
    apps = [make_app(postgres_url, redis_url) for _ in range(2)]
    await migrate.upgrade(apps[0].engine)
    async with (
        leader_duties(bot, apps[0], jobs=lambda app: [job]) as first,
        leader_duties(bot, apps[1], jobs=lambda app: [job]) as second,
    ):
        await eventually(lambda: len(recorder.runs) >= 3)
        assert first.is_leader != second.is_leader
    firings = recorder.firings()
    assert len(firings) == len(set(firings)) >= 3
    assert len({process for process, _ in recorder.runs}) == 1  # only the leader ran the jobs
    async with apps[0].sessions() as session:
        runs = list(await session.scalars(select(JobRun.run_key).where(JobRun.job_id == job.id)))
    assert sorted(runs) == sorted(job_runs.run_key(fired) for fired in firings)


async def test_two_schedulers_without_a_leader_still_run_each_firing_once(two_processes: TwoProcesses) -> None:
    recorder, _, schedulers = two_processes
    for scheduler in schedulers:
        await scheduler.start()
    await eventually(lambda: len(recorder.runs) >= 3)
    for scheduler in schedulers:
        await scheduler.stop()
    firings = recorder.firings()
    assert len(firings) == len(set(firings)) >= 3
    tried = [outcome for scheduler in schedulers for outcome in scheduler.outcomes]
    assert all(len(scheduler.outcomes) >= 2 for scheduler in schedulers)  # both fired every second...
    assert tried.count(True) == len(firings) and False in tried  # ...and the loser of each firing stood down
