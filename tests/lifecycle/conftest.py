"""The lifecycle and the public results on a migrated database (SQLite, then PostgreSQL), without the bot."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy.engine import URL

from backend import migrate
from backend.config import load_settings
from backend.context import AppContext
from backend.db import create_engine, session_factory
from backend.plan import load_plan


@pytest.fixture
async def app(database_url: URL, tmp_path: Path) -> AsyncIterator[AppContext]:
    """The application context on a fresh, migrated database."""
    engine = create_engine(database_url)
    await migrate.upgrade(engine)
    settings = load_settings(
        bot_token="4242:lifecycle",
        data_dir=tmp_path,
        secret_key="lifecycle-tests-secret-key-32-chars!!",
        database_url=database_url.render_as_string(hide_password=False),
    )
    yield AppContext(settings=settings, plan=load_plan(), engine=engine, sessions=session_factory(engine))
    await engine.dispose()
