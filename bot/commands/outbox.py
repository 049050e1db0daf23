"""``meydan outbox``: what the queue of outgoing pushes holds, requeueing failures, sending it all now."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import TYPE_CHECKING, Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from sqlalchemy.ext.asyncio import AsyncEngine

from backend import migrate
from backend.config import load_settings
from backend.db import session_factory
from backend.models import utcnow
from backend.services import outbox
from bot.commands import console, in_transaction, on_database, run

if TYPE_CHECKING:
    from bot.outbox import SendCounts

app = typer.Typer(help="The outbox of pushes: status, retrying failed messages, sending now.", no_args_is_help=True)


@app.command("status")
def status() -> None:
    """Count the messages by status and show the oldest waiting one and the latest failures."""
    found = run(in_transaction(outbox.summary))
    table = Table("status", "messages")
    for name, count in found.counts.items():
        table.add_row(name, str(count))
    console.print(table)
    if found.oldest_unfinished is not None:
        waiting = utcnow() - found.oldest_unfinished
        console.print(f"oldest unsent message queued {waiting.total_seconds() / 60:.1f} minutes ago")
    if found.failures:
        failures = Table("message", "error", title="latest failures")
        for key, error in found.failures:
            failures.add_row(key, error or "")
        console.print(failures)


@app.command("retry-failed")
def retry_failed() -> None:
    """Queue every failed message again (after fixing what made it fail)."""
    count = run(in_transaction(outbox.retry_failed))
    console.print(f"{count} failed messages queued again; the running bot (or meydan outbox drain) sends them")


@app.command("drain")
def drain(
    global_rate: Annotated[float, typer.Option(min=0.1, help="Messages per second, all chats together.")] = 25.0,
    chat_rate: Annotated[float, typer.Option(min=0.01, help="Messages per second to one chat.")] = 1.0,
    lease: Annotated[float, typer.Option(min=3, help="Seconds a claimed message stays this process's.")] = 60.0,
) -> None:
    """Send everything queued now, within the flood limits, and exit (a running bot's leader does this anyway)."""
    from bot.app import create_bot  # aiogram loads only for this command
    from bot.outbox import OutboxSender

    settings = load_settings()

    async def work(engine: AsyncEngine) -> SendCounts:
        await migrate.upgrade(engine)
        sessions = session_factory(engine)
        async with sessions() as session:
            total = await outbox.unfinished_count(session)
        bot = create_bot(settings)
        sender = OutboxSender(
            bot,
            sessions,
            admin_ids=settings.admin_ids,
            global_rate=global_rate,
            chat_rate=chat_rate,
            lease=timedelta(seconds=lease),
        )
        columns = (TextColumn("sending"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
        try:
            with Progress(*columns, console=console) as progress:
                task = progress.add_task("outbox", total=total)
                draining = asyncio.create_task(sender.drain())
                while not draining.done():
                    await asyncio.wait({draining}, timeout=0.5)
                    counts = sender.counts
                    progress.update(task, completed=counts.sent + counts.failed + counts.unreachable)
                return draining.result()
        finally:
            await bot.session.close()

    counts = run(on_database(work))
    console.print(", ".join(f"{name} {value}" for name, value in counts.as_dict().items()), highlight=False)
