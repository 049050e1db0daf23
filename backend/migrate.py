"""Schema migrations with Alembic, driven from code (``meydan db ...``, ``run`` and ``demo``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.ext.asyncio import AsyncEngine

MIGRATIONS = Path(__file__).with_name("migrations")


def alembic_config() -> Config:
    """An Alembic config pointing at Meydan's migrations, with no ini file."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def _run(connection: Any, action: str, *args: Any, **kwargs: Any) -> None:
    cfg = alembic_config()
    cfg.attributes["connection"] = connection
    getattr(command, action)(cfg, *args, **kwargs)


async def upgrade(engine: AsyncEngine, revision: str = "head") -> None:
    """Bring the schema up to ``revision`` (default: the newest)."""
    async with engine.begin() as conn:
        await conn.run_sync(_run, "upgrade", revision)


async def downgrade(engine: AsyncEngine, revision: str) -> None:
    """Take the schema down to ``revision`` (``base`` removes every table)."""
    async with engine.begin() as conn:
        await conn.run_sync(_run, "downgrade", revision)


async def make_revision(engine: AsyncEngine, message: str) -> None:
    """Autogenerate a new revision from the models against an up-to-date database (developers)."""
    async with engine.begin() as conn:
        await conn.run_sync(_run, "revision", message=message, autogenerate=True)


async def current_revision(engine: AsyncEngine) -> str | None:
    """The revision the database is at, or None for an empty database."""
    async with engine.connect() as conn:
        return await conn.run_sync(lambda c: MigrationContext.configure(c).get_current_revision())


def revisions() -> list[str]:
    """All revision ids, oldest first."""
    script = ScriptDirectory.from_config(alembic_config())
    return [r.revision for r in reversed(list(script.walk_revisions()))]


def head_revision() -> str | None:
    """The newest revision id."""
    return ScriptDirectory.from_config(alembic_config()).get_current_head()
