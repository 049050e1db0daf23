"""The digest's scheduled job: weekly at the plan's time (default Friday 18:00, Tehran), the week
that is ending goes to the members of the bodies that receive it."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from backend.context import AppContext
from backend.digest.period import week_of
from backend.jalali import to_local
from bot.scheduling.registry import JobContext, ScheduledJob, weekly

if TYPE_CHECKING:
    from bot.digest.send import DigestSent

CATCH_UP = timedelta(days=1)


async def weekly_digest(ctx: JobContext) -> DigestSent:
    """Build the digest of the Jalali week holding the firing and enqueue it for every recipient."""
    from backend.digest.build import build_digest  # pandas, matplotlib: loaded when a digest is due, not at start-up
    from bot.digest.send import send_digest

    zone = ctx.app.zone
    period = week_of(to_local(ctx.fired_at, zone).date(), zone)
    async with ctx.app.sessions() as session, session.begin():
        digest = await build_digest(session, ctx.app.plan, period, now=ctx.fired_at)
        return await send_digest(session, ctx.app, digest)


def jobs(app: AppContext) -> list[ScheduledJob]:
    """The weekly digest, at the plan's ``digest`` schedule in the plan's time zone."""
    return [ScheduledJob("digest.weekly", weekly(app.plan.spec.digest, app.zone), weekly_digest, catch_up=CATCH_UP)]
