"""The dashboard's figures, counted by aggregate SQL in one read-only transaction.

Each measure is one query over the fortnight before now (indexed on its time column, see migration
0006_console): it sums rows into four periods at once (``PERIODS``) grouped by the dimensions the
measure has, and the totals by each dimension are rolled up here from those few rows.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Integer, case, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import QueryableAttribute
from sqlalchemy.sql.elements import ColumnElement

from backend.context import AppContext, transaction
from backend.jalali import to_local, utcnow, week_start
from backend.models import Finding, Meeting, Participant, Response

PERIODS = ("today", "day_week_before", "week", "week_before")
"""Today; the same day a week before; this week so far (from Saturday); the same span of the week before."""
MEASURES = ("started", "completed", "participants", "meetings", "findings")
DIMENSIONS = ("district", "axis", "source", "stakeholder_group")
CITIZEN_POLL = "citizen_poll"  # the source every survey answer is (the Shahr-e Man polls)
# Which dimensions each measure has: a participant has no axis or source, a response no axis.
MEASURE_DIMENSIONS = {
    "started": ("district", "source", "stakeholder_group"),
    "completed": ("district", "source", "stakeholder_group"),
    "participants": ("district", "stakeholder_group"),
    "meetings": DIMENSIONS,
    "findings": DIMENSIONS,
}
UNKNOWN = ""  # a row without a value for a dimension


@dataclass(frozen=True)
class Spans:
    """The four periods' bounds: ``[start, end)`` each, as aware datetimes and as local dates."""

    bounds: dict[str, tuple[datetime, datetime]]
    days: dict[str, tuple[date, date]]

    @property
    def earliest(self) -> datetime:
        return min(start for start, _ in self.bounds.values())


def spans(now: datetime, zone: Any) -> Spans:
    """Today and this week so far in the plan's zone, and the same spans a week before, up to the same time."""
    today = to_local(now, zone).date()
    week = week_start(today)
    a_week = timedelta(days=7)
    days = {
        "today": (today, today + timedelta(days=1)),
        "day_week_before": (today - a_week, today - a_week + timedelta(days=1)),
        "week": (week, today + timedelta(days=1)),
        "week_before": (week - a_week, today - a_week + timedelta(days=1)),
    }

    def at(d: date) -> datetime:
        return datetime.combine(d, time(), tzinfo=zone)

    bounds = {
        "today": (at(today), now),
        "day_week_before": (at(today - a_week), now - a_week),
        "week": (at(week), now),
        "week_before": (at(week - a_week), now - a_week),
    }
    return Spans(bounds, days)


Counts = dict[str, int]  # period -> count


def _zero() -> Counts:
    return dict.fromkeys(PERIODS, 0)


@dataclass
class Measure:
    """One measure's counts: in total, and by each value of each of its dimensions."""

    total: Counts = field(default_factory=_zero)
    by: dict[str, dict[str, Counts]] = field(default_factory=lambda: defaultdict(lambda: defaultdict(_zero)))

    def add(self, values: dict[str, str | None], counts: Counts) -> None:
        for period, count in counts.items():
            self.total[period] += count
        for dimension, value in values.items():
            row = self.by[dimension][value or UNKNOWN]
            for period, count in counts.items():
                row[period] += count


@dataclass(frozen=True)
class Coverage:
    """How much each working group drew on each source: findings and meetings, all time."""

    findings: dict[tuple[str, str], int]
    meetings: dict[tuple[str, str], int]

    def count(self, working_group: str, source: str) -> int:
        key = (working_group, source)
        return self.findings.get(key, 0) + self.meetings.get(key, 0)


@dataclass(frozen=True)
class Dashboard:
    """What the dashboard shows, as of ``at``."""

    at: datetime
    spans: Spans
    measures: dict[str, Measure]
    coverage: Coverage


def _period_sums(
    column: QueryableAttribute[Any], bounds: dict[str, tuple[datetime, datetime]]
) -> list[ColumnElement[Any]]:
    """``SUM(CASE WHEN start <= column < end THEN 1 ELSE 0 END)`` for each period."""
    return [
        func.sum(case(((column >= start) & (column < end), 1), else_=0)).cast(Integer).label(period)
        for period, (start, end) in bounds.items()
    ]


async def _grouped(
    session: AsyncSession,
    measure: Measure,
    column: QueryableAttribute[Any],
    since: datetime,
    bounds: dict[str, tuple[datetime, datetime]],
    groups: Mapping[str, QueryableAttribute[Any]],
    fixed: dict[str, str] | None = None,
    where: ColumnElement[bool] | None = None,
) -> None:
    """Count ``column``'s rows since ``since`` (and ``where``) into the periods, grouped by ``groups``
    (dimension -> column); ``fixed`` gives a dimension that is the same for every row."""
    columns = list(groups.values())
    query = select(*columns, *_period_sums(column, bounds)).where(column >= since).group_by(*columns)
    if where is not None:
        query = query.where(where)
    for row in await session.execute(query):
        values: dict[str, str | None] = dict(zip(groups, row[: len(columns)], strict=True))
        values.update(fixed or {})
        measure.add(values, {period: int(row[len(columns) + i] or 0) for i, period in enumerate(PERIODS)})


async def _meetings(session: AsyncSession, span: Spans, measure: Measure) -> None:
    """Meetings by the day they were held; a meeting with several axes or groups counts under each."""
    since = min(first for first, _ in span.days.values())
    rows = await session.execute(
        select(Meeting.held_on, Meeting.district, Meeting.source, Meeting.axes, Meeting.stakeholder_groups).where(
            Meeting.held_on >= since
        )
    )
    for held_on, district, source, axes, groups in rows:
        counts = {p: int(first <= held_on < after) for p, (first, after) in span.days.items()}
        for period, count in counts.items():
            measure.total[period] += count
        for dimension, values in (
            ("district", [district]),
            ("source", [source]),
            ("axis", axes or [None]),
            ("stakeholder_group", groups or [None]),
        ):
            for value in values:
                row = measure.by[dimension][value or UNKNOWN]
                for period, count in counts.items():
                    row[period] += count


async def _coverage(session: AsyncSession) -> Coverage:
    findings = await session.execute(
        select(Finding.working_group, Finding.source, func.count())
        .where(Finding.working_group.is_not(None), Finding.deleted_at.is_(None))
        .group_by(Finding.working_group, Finding.source)
    )
    meetings = await session.execute(
        select(Meeting.working_group, Meeting.source, func.count()).group_by(Meeting.working_group, Meeting.source)
    )
    return Coverage(
        findings={(str(wg), source): int(n) for wg, source, n in findings},
        meetings={(wg, source): int(n) for wg, source, n in meetings},
    )


async def dashboard(app: AppContext, now: datetime | None = None) -> Dashboard:
    """The dashboard's figures as of ``now`` (default: now)."""
    now = now or utcnow()
    span = spans(now, app.zone)
    since = span.earliest
    measures = {name: Measure() for name in MEASURES}
    async with transaction(app) as session:
        citizens = {"district": Response.district, "stakeholder_group": Response.stakeholder_group}
        poll = {"source": CITIZEN_POLL}
        await _grouped(session, measures["started"], Response.started_at, since, span.bounds, citizens, poll)
        await _grouped(session, measures["completed"], Response.completed_at, since, span.bounds, citizens, poll)
        joined = {"district": Participant.district, "stakeholder_group": Participant.stakeholder_group}
        await _grouped(session, measures["participants"], Participant.created_at, since, span.bounds, joined)
        found = {
            "district": Finding.district,
            "axis": Finding.axis,
            "source": Finding.source,
            "stakeholder_group": Finding.stakeholder_group,
        }
        kept = Finding.deleted_at.is_(None)
        await _grouped(session, measures["findings"], Finding.created_at, since, span.bounds, found, where=kept)
        await _meetings(session, span, measures["meetings"])
        coverage = await _coverage(session)
    return Dashboard(at=now, spans=span, measures=measures, coverage=coverage)
