"""The weekly news job: at the digest's weekly time, everyone whose items moved gets one message."""

from __future__ import annotations

from functools import partial

from backend.context import AppContext
from backend.digest.period import week_of
from backend.jalali import to_local
from backend.lifecycle.batch import BatchReport, weekly_batch
from bot.digest.schedule import CATCH_UP
from bot.lifecycle import render
from bot.scheduling.registry import JobContext, ScheduledJob, weekly


async def send_news(app: AppContext, week: str) -> BatchReport:
    """Queue the week's news (``week``: its key, the first day of the Jalali week)."""
    return await weekly_batch(app, week, partial(render.news, app))


async def weekly_news(ctx: JobContext) -> BatchReport:
    """The job: the week holding the firing, in the plan's time zone."""
    period = week_of(to_local(ctx.fired_at, ctx.app.zone).date(), ctx.app.zone)
    return await send_news(ctx.app, period.first.isoformat())


def jobs(app: AppContext) -> list[ScheduledJob]:
    """The weekly news of what became of people's items, at the digest's schedule."""
    return [ScheduledJob("lifecycle.weekly", weekly(app.plan.spec.digest, app.zone), weekly_news, catch_up=CATCH_UP)]
