"""The span a digest covers: a Jalali week (Saturday to Friday) or any run of whole days, in the
plan's time zone, with the span of the same length just before it for comparisons."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from backend.errors import MeydanError
from backend.jalali import (
    TEHRAN,
    format_date,
    format_week,
    jalali_week,
    parse_date,
    parse_week,
    week_bounds,
    week_start,
)


@dataclass(frozen=True)
class Period:
    """Whole local days ``first``..``last`` (inclusive) in ``zone``."""

    first: date
    last: date
    zone: ZoneInfo = TEHRAN

    @property
    def days(self) -> int:
        """How many days the period holds."""
        return (self.last - self.first).days + 1

    @property
    def start(self) -> datetime:
        """The period's first moment (aware, local midnight of ``first``)."""
        return datetime.combine(self.first, time(), self.zone)

    @property
    def end(self) -> datetime:
        """The moment just after the period (local midnight after ``last``): compare with ``<``."""
        return datetime.combine(self.last + timedelta(days=1), time(), self.zone)

    @property
    def week(self) -> tuple[int, int] | None:
        """(Jalali year, week) when the period is exactly one Saturday-to-Friday week."""
        if self.days == 7 and week_start(self.first) == self.first:
            return jalali_week(self.first)
        return None

    def previous(self) -> Period:
        """The period of the same length ending the day before this one starts."""
        return Period(self.first - timedelta(days=self.days), self.first - timedelta(days=1), self.zone)

    def label(self, lang: str) -> str:
        """``هفتهٔ ۱۲ سال ۱۴۰۴`` / ``1404-W12`` for a week, else the Jalali first and last days."""
        if self.week is not None:
            return format_week(*self.week, lang=lang)
        return f"{format_date(self.first, lang)} – {format_date(self.last, lang)}"

    def dates(self, lang: str) -> str:
        """The Jalali first and last days, ``۱۴۰۴/۰۱/۰۱ – ۱۴۰۴/۰۱/۰۷``."""
        return f"{format_date(self.first, lang)} – {format_date(self.last, lang)}"


def week_period(year: int, week: int, zone: ZoneInfo = TEHRAN) -> Period:
    """The Jalali week ``week`` of ``year``."""
    first, last = week_bounds(year, week)
    return Period(first, last, zone)


def week_of(day: date, zone: ZoneInfo = TEHRAN) -> Period:
    """The Saturday-to-Friday week holding ``day``."""
    return week_period(*jalali_week(day), zone=zone)


def parse_period(week: str | None, first: str | None, last: str | None, today: date, zone: ZoneInfo = TEHRAN) -> Period:
    """The period the CLI asks for: ``--week 1404-W12``, or ``--from``/``--to`` dates (Jalali or
    ISO, any digits; a missing end is today), or else the week holding ``today``."""
    if week is not None:
        if first is not None or last is not None:
            raise MeydanError("give either --week or --from/--to, not both")
        parsed = parse_week(week)
        if parsed is None:
            raise MeydanError(f"cannot read the week {week!r}; write it as 1404-W12 (Jalali year, week 1-53)")
        return week_period(*parsed, zone=zone)
    if first is None and last is None:
        return week_of(today, zone)
    if first is None:
        raise MeydanError("--to needs --from")
    start, end = _date(first, "--from"), _date(last, "--to") if last is not None else today
    if end < start:
        raise MeydanError(f"--to ({last or today}) is before --from ({first})")
    return Period(start, end, zone)


def _date(text: str, option: str) -> date:
    parsed = parse_date(text)
    if parsed is None:
        raise MeydanError(f"cannot read {option} {text!r}; write a Jalali date like 1404/01/15 or an ISO date")
    return parsed
