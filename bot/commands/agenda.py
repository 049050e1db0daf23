"""``meydan agenda``: open a body's next agenda (pushed through the outbox) and follow the votes."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table
from sqlalchemy.ext.asyncio import AsyncSession

from backend.config import load_settings
from backend.context import AppContext
from backend.errors import MeydanError
from backend.jalali import format_datetime
from backend.plan import load_plan
from backend.voting import service as voting
from bot.commands import console, in_app, in_transaction, run

app = typer.Typer(help="Agendas of the approval bodies and their votes.", no_args_is_help=True)


@app.command("push")
def push(body: Annotated[str, typer.Option(help="The approval body's code, e.g. drafting_committee.")]) -> None:
    """Open the body's next agenda now (its top waiting problems) and queue it for every member.

    The running bot sends it; the weekly schedule in the plan does the same by itself.
    """
    from bot.voting.agendas import open_next_agenda

    async def work(app: AppContext, session: AsyncSession) -> tuple[int, int] | None:
        voting.body_of(app.plan, body)
        agenda = await open_next_agenda(session, app, body)
        if agenda is None:
            return None
        await session.refresh(agenda, ["items"])
        return agenda.id, len(agenda.items)

    opened = run(in_app(work))
    if opened is None:
        raise MeydanError(f"{body}: an agenda is already open, or nothing is waiting (see meydan agenda status)")
    console.print(f"agenda {opened[0]} of {body}: {opened[1]} items queued for its members", highlight=False)


@app.command("status")
def status() -> None:
    """Every body's open agenda: deadline, items, members and who has not voted on everything."""
    plan = load_plan(load_settings().plan_file)

    async def work(session: AsyncSession) -> list[voting.AgendaStatus]:
        return await voting.status(session, plan)

    rows = run(in_transaction(work))
    if not rows:
        console.print("no open agenda")
        return
    table = Table()
    for column in ("body", "agenda", "deadline (Tehran)", "items", "members", "votes", "not done"):
        table.add_column(column)
    for row in rows:
        deadline = format_datetime(row.deadline, "en") + (" (extended)" if row.extended else "")
        table.add_row(
            row.body, str(row.agenda_id), deadline, str(row.items), str(row.members), str(row.votes), str(row.not_done)
        )
    console.print(table)
