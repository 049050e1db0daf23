"""The committee's use cases on a migrated database (SQLite, then PostgreSQL), without the web."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy.engine import URL

from backend.context import AppContext
from tests.apps import migrated_app


@pytest.fixture
async def app(database_url: URL, tmp_path: Path) -> AsyncIterator[AppContext]:
    """The application context on a fresh, migrated database."""
    async with migrated_app(database_url, tmp_path, "workbench") as context:
        yield context
