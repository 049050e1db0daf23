"""An application context on a fresh, migrated database, for use-case tests that need no bot or web."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from sqlalchemy.engine import URL

from backend import migrate
from backend.config import load_settings
from backend.context import AppContext
from backend.db import create_engine, session_factory
from backend.plan import load_plan


@asynccontextmanager
async def migrated_app(database_url: URL, data_dir: Path, name: str) -> AsyncIterator[AppContext]:
    """The bundled plan's context on ``database_url`` migrated to head; ``name`` tells the tests' bots apart."""
    engine = create_engine(database_url)
    try:
        await migrate.upgrade(engine)
        settings = load_settings(
            bot_token=f"4242:{name}",
            data_dir=data_dir,
            secret_key=f"{name}-tests-secret-key-of-at-least-32-chars",
            database_url=database_url.render_as_string(hide_password=False),
        )
        yield AppContext(settings=settings, plan=load_plan(), engine=engine, sessions=session_factory(engine))
    finally:
        await engine.dispose()
