"""An application context over a migrated database (SQLite, and PostgreSQL when configured)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy.engine import URL

from backend import migrate
from backend.config import load_settings
from backend.console.staff import Staff
from backend.context import AppContext
from backend.db import create_engine, session_factory
from backend.plan import load_plan

BOT = 4343
ADMIN = Staff(messenger_id=1, participant_id=None, language="fa", is_admin=True, bodies=(), working_groups=())
MEMBER = Staff(
    messenger_id=2,
    participant_id=None,
    language="fa",
    is_admin=False,
    bodies=("drafting_committee",),
    working_groups=(),
)


def facilitator(*groups: str) -> Staff:
    """A facilitator of ``groups``."""
    return Staff(messenger_id=3, participant_id=None, language="fa", is_admin=False, bodies=(), working_groups=groups)


@pytest.fixture
async def app(database_url: URL, tmp_path: Path) -> AsyncIterator[AppContext]:
    engine = create_engine(database_url)
    await migrate.upgrade(engine)
    settings = load_settings(
        bot_token=f"{BOT}:staff",
        bot_username="meydan_test_bot",
        data_dir=tmp_path,
        secret_key="staff-tests-secret-key-of-32-chars!",
        database_url=database_url.render_as_string(hide_password=False),
    )
    yield AppContext(settings=settings, plan=load_plan(), engine=engine, sessions=session_factory(engine))
    await engine.dispose()
