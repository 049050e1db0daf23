"""The votes' scheduled jobs: each body's weekly agenda, reminders, and deadlines."""

from __future__ import annotations

from datetime import timedelta

from backend.context import AppContext
from backend.voting import service as voting
from bot.scheduling.registry import JobContext, ScheduledJob, every, weekly
from bot.voting.agendas import open_next_agenda
from bot.voting.push import announce, remind

CHECK_EVERY = timedelta(minutes=5)
CATCH_UP = timedelta(days=1)


def _agenda_job(body: str):  # type: ignore[no-untyped-def]
    async def run(ctx: JobContext) -> None:
        async with ctx.app.sessions() as session, session.begin():
            await open_next_agenda(session, ctx.app, body, now=ctx.fired_at)

    return run


async def reminders(ctx: JobContext) -> None:
    """Reminders to members who have not voted, at the hours the plan sets before each deadline."""
    async with ctx.app.sessions() as session, session.begin():
        await remind(session, ctx.app, ctx.fired_at)


async def deadlines(ctx: JobContext) -> None:
    """Close agendas past their deadline under their body's rule and announce the results."""
    async with ctx.app.sessions() as session, session.begin():
        for closing in await voting.close_due(session, ctx.app.plan, now=ctx.fired_at):
            await announce(session, ctx.app, closing)


def jobs(app: AppContext) -> list[ScheduledJob]:
    """One weekly agenda job per approval body (its plan schedule), plus reminders and deadlines."""
    zone = app.zone
    weekly_agendas = [
        ScheduledJob(
            f"votes.agenda.{body.code}", weekly(body.schedule, zone), _agenda_job(body.code), catch_up=CATCH_UP
        )
        for body in app.plan.bodies
    ]
    return [
        *weekly_agendas,
        ScheduledJob("votes.reminders", every(CHECK_EVERY), reminders),
        ScheduledJob("votes.deadlines", every(CHECK_EVERY), deadlines),
    ]
