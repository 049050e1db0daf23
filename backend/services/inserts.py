"""``INSERT … ON CONFLICT DO NOTHING`` on SQLite and PostgreSQL: idempotent creation by a unique key."""

from __future__ import annotations

from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from backend.models import Base


async def insert_ignoring(
    session: AsyncSession, model: type[Base], rows: list[dict[str, Any]], keys: list[str]
) -> int:
    """Insert the rows whose ``keys`` (a unique constraint) are not taken yet; how many were inserted.

    Column defaults apply as for any insert; a concurrent insert of the same key makes that row a no-op.
    """
    if not rows:
        return 0
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    statement = dialect.insert(model).values(rows).on_conflict_do_nothing(index_elements=keys)
    result = await session.execute(statement)
    return int(result.rowcount)  # type: ignore[attr-defined]
