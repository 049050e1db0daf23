"""Every migration runs up and down, one revision at a time, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect
from sqlalchemy.engine import URL

from backend import migrate
from backend.db import create_engine
from backend.models import Base


async def _tables(engine) -> set[str]:  # type: ignore[no-untyped-def]
    async with engine.connect() as conn:
        return set(await conn.run_sync(lambda c: inspect(c).get_table_names())) - {"alembic_version"}


async def _walk(url: URL) -> None:
    engine = create_engine(url)
    try:
        revisions = migrate.revisions()
        assert revisions, "no migrations found"
        for rev in revisions:
            await migrate.upgrade(engine, rev)
            assert await migrate.current_revision(engine) == rev
        assert await _tables(engine) == set(Base.metadata.tables)
        for rev in reversed(revisions[:-1]):
            await migrate.downgrade(engine, rev)
            assert await migrate.current_revision(engine) == rev
        await migrate.downgrade(engine, "base")
        assert await migrate.current_revision(engine) is None
        assert await _tables(engine) == set()
        await migrate.upgrade(engine)
        assert await migrate.current_revision(engine) == migrate.head_revision()
    finally:
        await engine.dispose()


async def test_migrations_sqlite(sqlite_url: URL) -> None:
    await _walk(sqlite_url)


@pytest.mark.postgres
async def test_migrations_postgres(postgres_url: URL) -> None:
    await _walk(postgres_url)


async def test_models_match_migrations(sqlite_url: URL) -> None:
    """The models and the newest migration describe the same schema (no missing migration)."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    engine = create_engine(sqlite_url)
    try:
        await migrate.upgrade(engine)
        async with engine.connect() as conn:
            diff = await conn.run_sync(
                lambda c: compare_metadata(MigrationContext.configure(c, opts={"compare_type": True}), Base.metadata)
            )
        assert diff == []
    finally:
        await engine.dispose()
