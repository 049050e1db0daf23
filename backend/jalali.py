"""Jalali (Solar Hijri) dates and Saturday-to-Friday weeks in Tehran time."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo

import jdatetime

from backend.locales import localize_digits
from backend.text import to_latin_digits

TEHRAN = ZoneInfo("Asia/Tehran")

_MONTHS_FA = (
    "فروردین", "اردیبهشت", "خرداد", "تیر", "مرداد", "شهریور",
    "مهر", "آبان", "آذر", "دی", "بهمن", "اسفند",
)  # fmt: skip
_MONTHS_EN = (
    "Farvardin", "Ordibehesht", "Khordad", "Tir", "Mordad", "Shahrivar",
    "Mehr", "Aban", "Azar", "Dey", "Bahman", "Esfand",
)  # fmt: skip

_DATE_RE = re.compile(r"(\d{4})([/.-])(\d{1,2})\2(\d{1,2})", re.ASCII)
_WEEK_RE = re.compile(r"(\d{4})-[Ww](\d{1,2})", re.ASCII)
_SATURDAY = 5  # date.weekday() numbering
_TUESDAY_OFFSET = timedelta(days=3)  # from a week's Saturday to its middle day
_WEEK = timedelta(days=7)


def utcnow() -> datetime:
    """Return the current time as an aware UTC datetime."""
    return datetime.now(UTC)


def to_local(dt: datetime, tz: str | tzinfo = TEHRAN) -> datetime:
    """Convert `dt` to the zone `tz`; a naive `dt` is taken to be UTC."""
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.astimezone(ZoneInfo(tz) if isinstance(tz, str) else tz)


def today_local(tz: str | tzinfo = TEHRAN) -> date:
    """Return today's (Gregorian) date in the zone `tz`."""
    return to_local(utcnow(), tz).date()


def _localize(value: date | datetime) -> date | datetime:
    """Move aware datetimes to Tehran time; leave dates and naive datetimes alone."""
    if isinstance(value, datetime) and value.tzinfo is not None:
        return to_local(value)
    return value


def _jalali(value: date) -> jdatetime.date:
    return jdatetime.date.fromgregorian(date=value)


def format_date(value: date | datetime, lang: str = "fa") -> str:
    """Format as Jalali `YYYY/MM/DD`: Persian digits for "fa", Latin otherwise.

    Aware datetimes are converted to Tehran time first; naive ones are taken
    as already local.
    """
    j = _jalali(_localize(value))
    return localize_digits(f"{j.year:04d}/{j.month:02d}/{j.day:02d}", lang)


def format_datetime(value: datetime, lang: str = "fa") -> str:
    """Format as Jalali `YYYY/MM/DD HH:MM`, converting like `format_date`."""
    local = _localize(value)
    return f"{format_date(local, lang)} {localize_digits(f'{local:%H:%M}', lang)}"


def format_date_long(value: date | datetime, lang: str = "fa") -> str:
    """Format as e.g. `۱۲ مرداد ۱۴۰۳` ("fa") or `12 Mordad 1403` (otherwise)."""
    j = _jalali(_localize(value))
    month = (_MONTHS_FA if lang == "fa" else _MONTHS_EN)[j.month - 1]
    return f"{localize_digits(str(j.day), lang)} {month} {localize_digits(str(j.year), lang)}"


def parse_date(text: str) -> date | None:
    """Parse a Jalali or Gregorian `Y/M/D` date in any digit form, or return None.

    The separator may be `/`, `-` or `.` (the same one twice). Years in
    1300-1699 are Jalali, years from 1900 Gregorian. Returns a Gregorian date.
    """
    match = _DATE_RE.fullmatch(to_latin_digits(text.strip()))
    if not match:
        return None
    year, month, day = int(match[1]), int(match[3]), int(match[4])
    try:
        if 1300 <= year < 1700:
            return jdatetime.date(year, month, day).togregorian()
        if year >= 1900:
            return date(year, month, day)
    except ValueError:
        pass
    return None


def week_start(d: date) -> date:
    """Return the Saturday on or before `d`."""
    return d - timedelta(days=(d.weekday() - _SATURDAY) % 7)


def _week1_start(year: int) -> date:
    """Saturday starting week 1: the week holding the year's first Tuesday."""
    return week_start(jdatetime.date(year, 1, 1).togregorian() + _TUESDAY_OFFSET)


def weeks_in_year(year: int) -> int:
    """Return the number of weeks (52 or 53) in Jalali year `year`."""
    return (_week1_start(year + 1) - _week1_start(year)) // _WEEK


def jalali_week(d: date) -> tuple[int, int]:
    """Return (Jalali year, week number) of `d`.

    Weeks run Saturday to Friday and belong to the year of their Tuesday,
    so week 1 holds the year's first Tuesday (like ISO weeks).
    """
    start = week_start(d)
    year = _jalali(start + _TUESDAY_OFFSET).year
    return year, (start - _week1_start(year)) // _WEEK + 1


def week_bounds(year: int, week: int) -> tuple[date, date]:
    """Return the (Saturday, Friday) Gregorian dates of a Jalali week.

    Raises ValueError if the year has no such week.
    """
    if not 1 <= week <= weeks_in_year(year):
        raise ValueError(f"Jalali year {year} has no week {week}")
    start = _week1_start(year) + (week - 1) * _WEEK
    return start, start + timedelta(days=6)


def parse_week(text: str) -> tuple[int, int] | None:
    """Parse `YYYY-Www` (e.g. `۱۴۰۴-W۱۲`) in any digit form, or return None."""
    match = _WEEK_RE.fullmatch(to_latin_digits(text.strip()))
    if not match:
        return None
    year, week = int(match[1]), int(match[2])
    try:
        week_bounds(year, week)
    except ValueError:
        return None
    return year, week


def format_week(year: int, week: int, lang: str = "fa") -> str:
    """Format a week as `هفتهٔ ۱۲ سال ۱۴۰۴` ("fa") or `1404-W12` (otherwise)."""
    if lang == "fa":
        return f"هفتهٔ {localize_digits(week, 'fa')} سال {localize_digits(year, 'fa')}"
    return f"{year}-W{week:02d}"
