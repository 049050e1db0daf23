"""``meydan db``: schema migrations."""

from __future__ import annotations

from typing import Annotated

import typer
from sqlalchemy.ext.asyncio import AsyncEngine

from backend import migrate
from bot.commands import console, on_database, run

app = typer.Typer(help="Database schema (Alembic migrations).", no_args_is_help=True)


@app.command("upgrade")
def upgrade(revision: Annotated[str, typer.Argument(help="Target revision.")] = "head") -> None:
    """Bring the database schema up to date."""

    async def work(engine: AsyncEngine) -> str | None:
        await migrate.upgrade(engine, revision)
        return await migrate.current_revision(engine)

    console.print(f"database at revision {run(on_database(work))}")


@app.command("downgrade")
def downgrade(revision: Annotated[str, typer.Argument(help="Target revision, or 'base' for empty.")]) -> None:
    """Take the database schema down to an earlier revision."""

    async def work(engine: AsyncEngine) -> str | None:
        await migrate.downgrade(engine, revision)
        return await migrate.current_revision(engine)

    console.print(f"database at revision {run(on_database(work)) or 'base (empty)'}")


@app.command("current")
def current() -> None:
    """Show the database's revision and the newest one."""
    revision = run(on_database(migrate.current_revision))
    console.print(f"database: {revision or 'empty'}; newest: {migrate.head_revision()}")


@app.command("revision")
def revision(
    message: Annotated[str, typer.Argument(help="What the schema change is, e.g. 'add digest runs'.")],
) -> None:
    """For developers: write a new migration from the models' difference to an up-to-date database."""

    async def work(engine: AsyncEngine) -> None:
        await migrate.upgrade(engine)
        await migrate.make_revision(engine, message)

    run(on_database(work))
