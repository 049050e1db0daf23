"""``meydan survey``: import, list, open and close surveys."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from sqlalchemy.ext.asyncio import AsyncSession

from backend.config import load_settings
from backend.errors import MeydanError
from backend.jalali import format_datetime, parse_date
from backend.plan import load_plan, plan_zone
from backend.services import surveys
from bot.commands import console, in_transaction, run

app = typer.Typer(help="Surveys: XLSForm or YAML files, versions, opening and closing.", no_args_is_help=True)


@app.command("import")
def import_(file: Annotated[Path, typer.Argument(help="An XLSForm (.xlsx) or a Meydan YAML survey.")]) -> None:
    """Import a survey; editing one that has answers makes a new version. Prints the survey code."""
    definition = surveys.load_definition(file)

    async def work(session: AsyncSession) -> surveys.Registration:
        return await surveys.register(session, definition)

    done = run(in_transaction(work))
    console.print(
        f"{done.survey.code}  (version {done.version.version}: {done.outcome.replace('_', ' ')}; "
        f"{'open' if done.survey.is_open else 'closed: meydan survey open ' + done.survey.code})",
        highlight=False,
    )


@app.command("list")
def list_() -> None:
    """List the surveys with their versions and responses."""
    rows = run(in_transaction(surveys.summaries))
    table = Table()
    for column in ("code", "title", "open", "versions", "completed", "in progress"):
        table.add_column(column)
    for s in rows:
        title = s.title.get("en") or next(iter(s.title.values()))
        table.add_row(
            s.code, title, "yes" if s.is_open else "no", str(s.versions), str(s.completed), str(s.in_progress)
        )
    console.print(table)


def _set_open(code: str, is_open: bool, closes_at: datetime | None = None) -> None:
    async def work(session: AsyncSession) -> None:
        await surveys.set_open(session, code, is_open, closes_at=closes_at)

    run(in_transaction(work))
    until = f" until {format_datetime(closes_at, 'en')} Tehran time" if closes_at else ""
    console.print(f"{code} is now {'open' + until if is_open else 'closed'}", highlight=False)


@app.command("open")
def open_(
    code: Annotated[str, typer.Argument(help="The survey code.")],
    until: Annotated[str | None, typer.Option(help="Last day to answer, Jalali (1404/02/15) or ISO date.")] = None,
) -> None:
    """Open a survey to citizens, optionally until the end of a given day (in the plan's time zone)."""
    closes_at = None
    if until is not None:
        day = parse_date(until)
        if day is None:
            raise MeydanError(f"--until {until!r} is not a date; expected e.g. 1404/02/15 or 2025-05-05")
        settings = load_settings()
        zone = plan_zone(settings, load_plan(settings.plan_file))
        closes_at = datetime.combine(day + timedelta(days=1), time(), zone)
    _set_open(code, True, closes_at)


@app.command("close")
def close(code: Annotated[str, typer.Argument(help="The survey code.")]) -> None:
    """Close a survey: no new responses, and unfinished ones cannot go on."""
    _set_open(code, False)
