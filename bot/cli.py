"""The ``meydan`` command line (Typer + rich)."""

from __future__ import annotations

import asyncio
import logging
import os
import sys
from collections.abc import Awaitable, Callable, Coroutine
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.table import Table
from sqlalchemy.ext.asyncio import AsyncEngine

from backend import migrate
from backend.config import load_settings
from backend.db import check_connection, create_engine
from backend.errors import MeydanError
from backend.plan import load_plan

T = TypeVar("T")
console = Console()

app = typer.Typer(help="Meydan: a messenger-based participation collector for a city's mid-term plan.",
                  no_args_is_help=True, pretty_exceptions_enable=False, add_completion=False)
db_app = typer.Typer(help="Database schema (Alembic migrations).", no_args_is_help=True)
plan_app = typer.Typer(help="The plan file (axes, working groups, bodies).", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(plan_app, name="plan")


def _run(coro: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(coro)


def _logging(verbose: bool) -> None:
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")


@app.command()
def run(verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log each step.")] = True) -> None:
    """Run the bot with long polling against MEYDAN_API_BASE until Ctrl-C or SIGTERM."""
    from bot.runner import run_polling

    _logging(verbose)
    _run(run_polling(load_settings()))


@app.command()
def emulator(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8081,
    flood_limits: Annotated[bool, typer.Option(help="Answer 429 like Telegram when sending too fast.")] = False,
) -> None:
    """Run the Telegram-compatible Bot API emulator on its own (point MEYDAN_API_BASE at it)."""
    from bot.emulator import serve_forever

    _logging(True)
    console.print(f"Bot API emulator on http://{host}:{port} (Ctrl-C stops it)")
    _run(serve_forever(host, port, flood_limits=flood_limits))


@app.command()
def demo(
    data_dir: Annotated[str, typer.Option(help="Where the demo keeps its SQLite database and files.")] = "var/demo",
) -> None:
    """Run Meydan end to end on the embedded default: SQLite, in-memory state, the emulator."""
    from bot.demo import run_demo

    _logging(False)
    _run(run_demo(data_dir, console))


async def _on_database(work: Callable[[AsyncEngine], Awaitable[T]]) -> T:
    engine = create_engine(load_settings().db_url)
    try:
        await check_connection(engine)
        return await work(engine)
    finally:
        await engine.dispose()


@db_app.command("upgrade")
def db_upgrade(revision: Annotated[str, typer.Argument(help="Target revision.")] = "head") -> None:
    """Bring the database schema up to date."""

    async def work(engine: AsyncEngine) -> str | None:
        await migrate.upgrade(engine, revision)
        return await migrate.current_revision(engine)

    console.print(f"database at revision {_run(_on_database(work))}")


@db_app.command("downgrade")
def db_downgrade(revision: Annotated[str, typer.Argument(help="Target revision, or 'base' for empty.")]) -> None:
    """Take the database schema down to an earlier revision."""

    async def work(engine: AsyncEngine) -> str | None:
        await migrate.downgrade(engine, revision)
        return await migrate.current_revision(engine)

    console.print(f"database at revision {_run(_on_database(work)) or 'base (empty)'}")


@db_app.command("current")
def db_current() -> None:
    """Show the database's revision and the newest one."""
    current = _run(_on_database(migrate.current_revision))
    console.print(f"database: {current or 'empty'}; newest: {migrate.head_revision()}")


@plan_app.command("check")
def plan_check() -> None:
    """Validate the plan file (MEYDAN_PLAN_FILE, or the bundled Mashhad plan) and summarize it."""
    plan = load_plan(load_settings().plan_file)
    table = Table(title=f"{plan.name('en')} ({plan.path.name})")
    table.add_column("part")
    table.add_column("count", justify="right")
    for label, items in (("stakeholder groups", plan.stakeholder_groups), ("information sources", plan.sources),
                         ("axes", plan.axes), ("districts", plan.districts),
                         ("working groups", plan.working_groups), ("approval bodies", plan.bodies)):
        table.add_row(label, str(len(items)))
    console.print(table)
    console.print("approval chain: " + " → ".join(b.en for b in plan.bodies))


def main() -> None:
    """Entry point: user errors become one line on stderr and a non-zero exit."""
    try:
        app()
    except MeydanError as exc:
        print(f"meydan: {exc}", file=sys.stderr)
        sys.exit(1)
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as exc:
        if os.environ.get("MEYDAN_DEBUG"):
            raise
        print(f"meydan: unexpected {exc.__class__.__name__}: {exc} (set MEYDAN_DEBUG=1 for the traceback)",
              file=sys.stderr)
        sys.exit(2)
