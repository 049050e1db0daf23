"""Findings counted by axis, working group, source, stakeholder group, district, kind and Jalali week."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from functools import cache

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.aggregation.sql import as_date, for_analysis, local_date, read_frame
from backend.errors import MeydanError
from backend.jalali import TEHRAN, format_week, jalali_week
from backend.models import Finding, counted

DIMENSIONS = ("axis", "working_group", "source", "stakeholder_group", "district", "kind", "week")


@cache
def week_label(day: object) -> str:
    """The Jalali week (Saturday to Friday) of a date, as ``1403-W05``."""
    return format_week(*jalali_week(as_date(day)), lang="en")  # type: ignore[arg-type]


def check_dimensions(by: Sequence[str], known: Sequence[str] = DIMENSIONS) -> None:
    """A MeydanError naming the known dimensions if ``by`` is empty, repeats one or has an unknown one."""
    unknown = [name for name in by if name not in known]
    if not by or unknown or len(set(by)) != len(by):
        what = f"unknown {', '.join(unknown)}" if unknown else "give each dimension once" if by else "none given"
        raise MeydanError(f"cannot group by {','.join(by) or '(nothing)'} ({what}); choose from {', '.join(known)}")


async def count_findings(
    session: AsyncSession,
    by: Sequence[str],
    *,
    zone: str = str(TEHRAN),
    kind: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> pd.DataFrame:
    """Live findings (of one ``kind`` if given, recorded from ``since`` and before ``until`` if
    given) counted by the dimensions ``by``, as columns ``*by, findings, share`` (share of all
    counted findings), sorted by ``by``; a missing value is None. ``week`` is the Jalali week, in
    ``zone``, in which the finding was recorded."""
    check_dimensions(by)
    dialect = await for_analysis(session)
    columns = [
        local_date(Finding.created_at, zone, dialect).label("week") if name == "week" else getattr(Finding, name)
        for name in by
    ]
    query = select(*columns, func.count().label("findings")).where(counted()).group_by(*columns)
    if kind is not None:
        query = query.where(Finding.kind == kind)
    if since is not None:
        query = query.where(Finding.created_at >= since)
    if until is not None:
        query = query.where(Finding.created_at < until)
    frame = await read_frame(session, query, [*by, "findings"])
    if "week" in by:
        frame["week"] = frame.week.map(week_label)
        frame = frame.groupby(list(by), dropna=False, sort=False).findings.sum().reset_index()
    frame = frame.astype({"findings": "int64"}).sort_values(list(by), na_position="last", ignore_index=True)
    frame["share"] = frame.findings / frame.findings.sum()
    frame[list(by)] = frame[list(by)].astype(object).where(frame[list(by)].notna(), None)
    return frame
