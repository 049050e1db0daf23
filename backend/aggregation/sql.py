"""SQL expressions that differ between SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd
from sqlalchemy import Date, Executable, SQLColumnExpression, Text, cast, func, text
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement

# PostgreSQL settings for the rest of a transaction of large group-bys: memory enough to hash
# the groups (instead of sorting them on disk) and no JIT compilation, which costs more than it
# saves on these short queries.
ANALYSIS_SETTINGS = ("SET LOCAL work_mem = '256MB'", "SET LOCAL jit = off")


async def for_analysis(session: AsyncSession) -> str:
    """Prepare the session's transaction for large group-bys; returns the dialect's name."""
    dialect = (await session.connection()).dialect.name
    if dialect == "postgresql":
        for setting in ANALYSIS_SETTINGS:
            await session.execute(text(setting))
    return dialect


def local_date(column: SQLColumnExpression[Any], zone: str, dialect: str) -> ColumnElement[Any]:
    """The calendar date in ``zone`` of a UTC timestamp column: exact on PostgreSQL; on SQLite the
    timestamp is shifted by the zone's present UTC offset (Iran has kept one offset since 2022)."""
    if dialect == "postgresql":
        return cast(func.timezone(zone, column), Date)
    offset = ZoneInfo(zone).utcoffset(datetime.now())
    minutes = int(offset.total_seconds() // 60) if offset is not None else 0
    return func.date(column, f"{minutes:+d} minutes")


def as_date(value: date | str) -> date:
    """A ``local_date`` result as a date (SQLite returns ISO text)."""
    return value if isinstance(value, date) else date.fromisoformat(value)


def json_text(column: SQLColumnExpression[Any]) -> ColumnElement[str]:
    """A JSON column as its JSON text, which both databases can group by."""
    return cast(column, Text)


async def read_frame(
    session: AsyncSession, query: Executable, columns: Sequence[str], dtype: Any = None
) -> pd.DataFrame:
    """The rows of ``query`` as a DataFrame with ``columns`` (run on the session's connection,
    without the ORM's row processing, and passed to pandas as plain tuples: both much faster)."""
    rows = [tuple(row) for row in await (await session.connection()).execute(query)]
    return pd.DataFrame(rows, columns=list(columns), dtype=dtype)
