"""The digest archive for the console: every weekly digest since the first activity, and a digest of any
span of days, built from the database on demand (the same ``build_digest`` the weekly job sends)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import func, select

from backend.console.staff import Staff
from backend.context import AppContext, transaction
from backend.digest.period import Period, week_of
from backend.errors import Refused
from backend.jalali import parse_date, to_local
from backend.models import Meeting, Response

if TYPE_CHECKING:
    from backend.digest.build import Digest

MAX_WEEKS = 260  # five years of weekly digests in the archive
MAX_SPAN_DAYS = 366


def _member(staff: Staff) -> None:
    if not staff.is_member:
        raise Refused("refused.members_only")


async def weeks(app: AppContext, staff: Staff, today: date) -> list[Period]:
    """Every Jalali week from the first response or meeting to the week holding ``today``, newest first."""
    _member(staff)
    async with transaction(app) as session:
        first_response = await session.scalar(select(func.min(Response.started_at)))
        first_meeting = await session.scalar(select(func.min(Meeting.held_on)))
    starts = [to_local(first_response, app.zone).date() if first_response else today, first_meeting or today, today]
    week, found = week_of(today, app.zone), list[Period]()
    first = week_of(min(starts), app.zone).first
    while week.first >= first and len(found) < MAX_WEEKS:
        found.append(week)
        week = week_of(week.first - timedelta(days=1), app.zone)
    return found


def span(first: str, last: str, app: AppContext) -> Period:
    """The period from ``first`` to ``last`` (Jalali or ISO dates, any digits); Refused says what is wrong."""
    start, end = parse_date(first), parse_date(last)
    if start is None or end is None:
        raise Refused("digests.span.date", text=first if start is None else last)
    if end < start:
        raise Refused("digests.span.order")
    if (end - start).days + 1 > MAX_SPAN_DAYS:
        raise Refused("digests.span.long", days=MAX_SPAN_DAYS)
    return Period(start, end, app.zone)


async def build(app: AppContext, staff: Staff, period: Period) -> Digest:
    """The digest of ``period`` as of now."""
    _member(staff)
    from backend.digest.build import build_digest  # pandas: loaded when a digest is asked for

    async with transaction(app) as session:
        return await build_digest(session, app.plan, period)
