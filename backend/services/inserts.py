"""``INSERT … ON CONFLICT DO NOTHING`` on SQLite and PostgreSQL: idempotent creation by a unique key."""

from __future__ import annotations

from functools import cache
from typing import Any

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.dml import Insert

from backend.db import Executor, dialect_name
from backend.models import Base


async def insert_ignoring(session: AsyncSession, model: type[Base], rows: list[dict[str, Any]], keys: list[str]) -> int:
    """Insert the rows whose ``keys`` (a unique constraint) are not taken yet; how many were inserted.

    Column defaults apply as for any insert; a concurrent insert of the same key makes that row a no-op.
    """
    if not rows:
        return 0
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    statement = dialect.insert(model).values(rows).on_conflict_do_nothing(index_elements=keys)
    result = await session.execute(statement)
    return int(result.rowcount)  # type: ignore[attr-defined]


@cache
def _ignoring(dialect_name: str, table: Table, keys: tuple[str, ...]) -> Insert:
    """One row's ``INSERT … ON CONFLICT (keys) DO NOTHING``, built once per dialect and table."""
    dialect = postgresql if dialect_name == "postgresql" else sqlite
    return dialect.insert(table).on_conflict_do_nothing(index_elements=list(keys))


async def insert_one_ignoring(executor: Executor, model: type[Base], row: dict[str, Any], keys: list[str]) -> bool:
    """Insert one row unless its ``keys`` are taken; whether it was inserted.

    The statement is built once and run with the row as parameters, so the per-update claims on
    the bot's hot path skip building and compiling an INSERT each time.
    """
    statement = _ignoring(dialect_name(executor), model.__table__, tuple(keys))
    result = await executor.execute(statement, row)
    return bool(result.rowcount)  # type: ignore[attr-defined]
