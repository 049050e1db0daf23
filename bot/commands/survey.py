"""``meydan survey``: import, list, open and close surveys."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from sqlalchemy.ext.asyncio import AsyncSession

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
    console.print(f"{done.survey.code}  (version {done.version.version}: {done.outcome.replace('_', ' ')}; "
                  f"{'open' if done.survey.is_open else 'closed: meydan survey open ' + done.survey.code})",
                  highlight=False)


@app.command("list")
def list_() -> None:
    """List the surveys with their versions and responses."""
    rows = run(in_transaction(surveys.summaries))
    table = Table()
    for column in ("code", "title", "open", "versions", "completed", "in progress"):
        table.add_column(column)
    for s in rows:
        title = s.title.get("en") or next(iter(s.title.values()))
        table.add_row(s.code, title, "yes" if s.is_open else "no", str(s.versions), str(s.completed),
                      str(s.in_progress))
    console.print(table)


def _set_open(code: str, is_open: bool) -> None:
    async def work(session: AsyncSession) -> None:
        await surveys.set_open(session, code, is_open)

    run(in_transaction(work))
    console.print(f"{code} is now {'open' if is_open else 'closed'}")


@app.command("open")
def open_(code: Annotated[str, typer.Argument(help="The survey code.")]) -> None:
    """Open a survey to citizens."""
    _set_open(code, True)


@app.command("close")
def close(code: Annotated[str, typer.Argument(help="The survey code.")]) -> None:
    """Close a survey: no new responses, and unfinished ones cannot go on."""
    _set_open(code, False)
