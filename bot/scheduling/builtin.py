"""Jobs of the infrastructure itself, and of features that have no job source of their own yet."""

from __future__ import annotations

from datetime import timedelta

from backend.models import utcnow
from backend.services import jobs, outbox
from bot.context import AppContext
from bot.meetings.reminders import remind_stale_meetings
from bot.scheduling.registry import JobContext, ScheduledJob, every

MAINTENANCE_EVERY = timedelta(minutes=1)
KEEP_RUNS = timedelta(days=14)
STALE_MEETINGS_EVERY = timedelta(minutes=10)


async def outbox_maintenance(ctx: JobContext) -> None:
    """Requeue messages whose sender died holding them; forget job runs older than ``KEEP_RUNS``."""
    now = utcnow()
    async with ctx.app.sessions() as session, session.begin():
        await outbox.requeue_expired(session, now)
        await jobs.prune_runs(session, now - KEEP_RUNS)


async def remind_stale(ctx: JobContext) -> None:
    """Remind facilitators of meetings left open for 12 hours (each meeting once)."""
    await remind_stale_meetings(ctx.bot, ctx.app, now=ctx.fired_at)


def outbox_jobs(app: AppContext) -> list[ScheduledJob]:
    """The outbox's maintenance, every minute."""
    return [ScheduledJob("outbox.maintenance", every(MAINTENANCE_EVERY), outbox_maintenance)]


def meeting_jobs(app: AppContext) -> list[ScheduledJob]:
    """The stale-meeting reminder (``bot.meetings.reminders``), every ten minutes."""
    return [ScheduledJob("meetings.remind_stale", every(STALE_MEETINGS_EVERY), remind_stale)]
