"""The scheduled jobs: each feature lists its jobs in a *job source*, registered here with one line.

A source is a function ``jobs(app: AppContext) -> Iterable[ScheduledJob]``, called at every start-up,
so the jobs are rebuilt from the plan and the database each time (nothing is pickled). Name it
``"module:function"`` in ``JOB_SOURCES``; its module is imported only then::

    "bot.voting.schedule:jobs",   # e.g. one weekly agenda job per approval body

A job has a fixed id, an APScheduler 3 trigger and a coroutine function taking a ``JobContext``.
Each firing runs once across processes and restarts (``backend.services.jobs``). Write the function so
that running it twice for the same ``ctx.fired_at`` does no harm (enqueue pushes with dedupe keys built
from it), because a run cut short by a crash is run again by the next leader. Triggers must give the
same fire times in every process: use ``weekly`` or ``every`` below, or a ``CronTrigger``.
"""

from __future__ import annotations

import importlib
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from aiogram import Bot
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from backend.context import AppContext
from backend.plan.model import Weekly

ANCHOR = datetime(2000, 1, 1, tzinfo=UTC)
"""Where ``every`` intervals start counting, so every process computes the same fire times."""

JOB_SOURCES: tuple[str, ...] = (
    "bot.scheduling.builtin:outbox_jobs",
    "bot.scheduling.builtin:meeting_jobs",
    "bot.voting.schedule:jobs",
    "bot.digest.schedule:jobs",
    "bot.lifecycle.schedule:jobs",
)


@dataclass(frozen=True)
class JobContext:
    """What a job run is given: the bot, the app, and the firing's scheduled time (aware UTC)."""

    bot: Bot
    app: AppContext
    fired_at: datetime


JobFunction = Callable[[JobContext], Awaitable[object]]


@dataclass(frozen=True)
class ScheduledJob:
    """A job: fixed ``id``, ``trigger``, the coroutine function ``run``.

    ``catch_up``: at start-up, run the latest firing missed within this window (a weekly agenda whose
    hour passed while no process was leader); None skips missed firings.
    """

    id: str
    trigger: BaseTrigger
    run: JobFunction
    catch_up: timedelta | None = None


JobSource = Callable[[AppContext], Iterable[ScheduledJob]]


def collect_jobs(app: AppContext, sources: Sequence[str] = JOB_SOURCES) -> list[ScheduledJob]:
    """Every job of every source, checked for unique ids."""
    jobs: list[ScheduledJob] = []
    for target in sources:
        module, _, function = target.partition(":")
        source: JobSource = getattr(importlib.import_module(module), function)
        jobs.extend(source(app))
    ids = [job.id for job in jobs]
    repeated = sorted({i for i in ids if ids.count(i) > 1})
    if repeated:
        raise ValueError(f"scheduled job ids must be unique; repeated: {', '.join(repeated)}")
    return jobs


def weekly(schedule: Weekly, zone: ZoneInfo) -> CronTrigger:
    """Fires on ``schedule.day`` at ``schedule.time``, local time of ``zone`` (a plan body's schedule)."""
    at = schedule.time
    return CronTrigger(day_of_week=schedule.day, hour=at.hour, minute=at.minute, second=at.second, timezone=zone)


def every(interval: timedelta) -> IntervalTrigger:
    """Fires every ``interval``, counted from ``ANCHOR`` (whole minutes fire on the minute)."""
    return IntervalTrigger(seconds=interval.total_seconds(), start_date=ANCHOR, timezone=UTC)
