"""Jobs of the infrastructure itself, and of features that have no job source of their own yet."""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta

from backend.context import AppContext
from backend.models import utcnow
from backend.services import jobs, outbox
from bot.meetings.reminders import remind_stale_meetings
from bot.scheduling.registry import JobContext, ScheduledJob, every

MAINTENANCE_EVERY = timedelta(minutes=1)
KEEP_RUNS = timedelta(days=14)
STALE_MEETINGS_EVERY = timedelta(minutes=10)
PRUNE_FILES_EVERY = timedelta(hours=1)
log = logging.getLogger("meydan.outbox")


async def outbox_maintenance(ctx: JobContext) -> None:
    """Requeue messages whose sender died holding them; forget job runs older than ``KEEP_RUNS``."""
    now = utcnow()
    async with ctx.app.sessions() as session, session.begin():
        await outbox.requeue_expired(session, now)
        await jobs.prune_runs(session, now - KEEP_RUNS)


async def prune_outbox_files(ctx: JobContext) -> None:
    """Delete the files of pushes delivered more than ``MEYDAN_OUTBOX_RETENTION_DAYS`` before the firing."""
    settings = ctx.app.settings
    before = ctx.fired_at - timedelta(days=settings.outbox_retention_days)
    async with ctx.app.sessions() as session:
        delivered = await outbox.delivered_files(session, before)
    deleted = await asyncio.to_thread(outbox.delete_files, settings.data_dir, delivered, before)
    if deleted:
        log.info("outbox: deleted %d files of pushes delivered before %s", deleted, before.isoformat())


async def remind_stale(ctx: JobContext) -> None:
    """Remind facilitators of meetings left open for 12 hours (each meeting once)."""
    await remind_stale_meetings(ctx.bot, ctx.app, now=ctx.fired_at)


def outbox_jobs(app: AppContext) -> list[ScheduledJob]:
    """The outbox's maintenance, every minute, and the pruning of delivered files, every hour."""
    return [
        ScheduledJob("outbox.maintenance", every(MAINTENANCE_EVERY), outbox_maintenance),
        ScheduledJob("outbox.prune_files", every(PRUNE_FILES_EVERY), prune_outbox_files),
    ]


def meeting_jobs(app: AppContext) -> list[ScheduledJob]:
    """The stale-meeting reminder (``bot.meetings.reminders``), every ten minutes."""
    return [ScheduledJob("meetings.remind_stale", every(STALE_MEETINGS_EVERY), remind_stale)]
