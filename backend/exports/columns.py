"""Column helpers shared by the exports: frames from result rows and machine-readable times."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date, tzinfo
from typing import Any, TypeVarTuple

import pandas as pd
from sqlalchemy import Row, Select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.jalali import format_date

ISO_UTC = "%Y-%m-%dT%H:%M:%SZ"
Columns = TypeVarTuple("Columns")  # the types of a query's columns


async def fetch_rows(session: AsyncSession, query: Select[*Columns]) -> Sequence[Row[*Columns]]:
    """All rows of ``query`` as plain Core rows (no ORM work per row, which large exports feel),
    after flushing pending changes as ``session.execute`` would."""
    await session.flush()
    connection = await session.connection()
    return (await connection.execute(query)).all()


def frame_of(rows: Sequence[Sequence[Any]], dtypes: Mapping[str, str]) -> pd.DataFrame:
    """A frame from result rows, one column per ``dtypes`` entry in order ("Int64" keeps ids exact
    and missing ones blank; "object" keeps values as the database gave them)."""
    values = list(zip(*rows, strict=True)) if rows else [()] * len(dtypes)
    return pd.DataFrame(
        {
            name: pd.array(list(column), dtype=dtype)
            for (name, dtype), column in zip(dtypes.items(), values, strict=True)
        }
    )


def _each_distinct(values: pd.Series, convert: Callable[[Any], str]) -> pd.Series:
    """``convert`` applied once per distinct value (large columns repeat their days); blanks stay blank."""
    converted = {value: convert(value) for value in values.dropna().unique()}
    return values.map(converted).astype(object).where(values.notna(), None)


def _jalali(day: date) -> str:
    return format_date(day, "en")


def utc_iso(times: pd.Series) -> pd.Series:
    """Aware datetimes as ISO 8601 UTC text (``2024-03-20T20:30:00Z``); missing ones stay blank."""
    return pd.to_datetime(times, utc=True).dt.strftime(ISO_UTC).astype(object).where(times.notna(), None)


def jalali_datetime(times: pd.Series, zone: tzinfo) -> pd.Series:
    """Aware datetimes as Jalali ``YYYY/MM/DD HH:MM`` in ``zone`` (the plan's) with Latin digits, as
    ``backend.jalali.format_datetime`` writes them; missing ones stay blank."""
    local = pd.to_datetime(times, utc=True).dt.tz_convert(zone)
    text = _each_distinct(local.dt.date, _jalali).astype("string") + " " + local.dt.strftime("%H:%M")
    return text.astype(object).where(times.notna(), None)


def iso_date(dates: pd.Series) -> pd.Series:
    """Dates as ISO ``YYYY-MM-DD``; missing ones stay blank."""
    return _each_distinct(dates, date.isoformat)


def jalali_date(dates: pd.Series) -> pd.Series:
    """Dates as Jalali ``YYYY/MM/DD`` with Latin digits; missing ones stay blank."""
    return _each_distinct(dates, _jalali)
