"""``meydan news``: queue the weekly news of what became of people's items now (the scheduler does it
every week at the digest's time); running it again for the same week queues nothing twice."""

from __future__ import annotations

from typing import Annotated

import typer
from sqlalchemy.ext.asyncio import AsyncEngine

from backend import migrate
from backend.config import load_settings
from backend.context import AppContext
from backend.db import session_factory
from backend.digest.period import week_of
from backend.jalali import to_local, utcnow
from backend.lifecycle.batch import BatchReport
from backend.plan import load_plan
from bot.commands import console, on_database, run


def news(
    week: Annotated[
        str | None, typer.Option(help="The week's key (its first day, YYYY-MM-DD); default: the current week.")
    ] = None,
) -> None:
    """Queue one message per person whose items moved since they were last told (at most one a week)."""
    from bot.lifecycle.schedule import send_news

    settings = load_settings()
    plan = load_plan(settings.plan_file)

    async def work(engine: AsyncEngine) -> BatchReport:
        await migrate.upgrade(engine)
        app = AppContext(settings=settings, plan=plan, engine=engine, sessions=session_factory(engine))
        key = week or week_of(to_local(utcnow(), app.zone).date(), app.zone).first.isoformat()
        return await send_news(app, key)

    report = run(on_database(work))
    console.print(
        f"{report.queued} messages queued for {report.recipients} people ({report.items} items); "
        f"{report.already} already had this week's message",
        highlight=False,
    )
