from datetime import UTC, date, datetime, timedelta

import jdatetime
import pytest
from hypothesis import given
from hypothesis import strategies as st

from backend.jalali import (
    TEHRAN,
    format_date,
    format_date_long,
    format_datetime,
    format_week,
    jalali_week,
    parse_date,
    parse_week,
    to_local,
    today_local,
    utcnow,
    week_bounds,
    week_start,
    weeks_in_year,
)

dates = st.dates(min_value=date(1990, 1, 1), max_value=date(2040, 12, 31))
SATURDAY, FRIDAY = 5, 4


def test_to_local() -> None:
    assert to_local(datetime(2024, 1, 1)) == datetime(2024, 1, 1, 3, 30, tzinfo=TEHRAN)
    assert to_local(datetime(2024, 1, 1)).utcoffset() == timedelta(hours=3, minutes=30)
    summer_2021 = datetime(2021, 6, 1, 12, 0, tzinfo=UTC)  # Iran still had DST
    assert to_local(summer_2021).hour == 16 and to_local(summer_2021).minute == 30
    assert to_local(summer_2021, "UTC").hour == 12


def test_utcnow_and_today_local() -> None:
    now = utcnow()
    assert now.utcoffset() == timedelta(0)
    before = to_local(now).date()
    today = today_local()
    assert today in {before, to_local(utcnow()).date()}
    assert isinstance(today_local("UTC"), date)


def test_format_date() -> None:
    assert format_date(date(2024, 8, 2)) == "۱۴۰۳/۰۵/۱۲"
    assert format_date(date(2024, 8, 2), "en") == "1403/05/12"
    assert format_date(date(2025, 3, 21), "en") == "1404/01/01"
    # 20:45 UTC is 00:15 the next day in Tehran.
    late = datetime(2024, 8, 2, 20, 45, tzinfo=UTC)
    assert format_date(late) == "۱۴۰۳/۰۵/۱۳"
    assert format_date(datetime(2024, 8, 2, 20, 45)) == "۱۴۰۳/۰۵/۱۲"  # naive: already local


def test_format_datetime() -> None:
    late = datetime(2024, 8, 2, 20, 45, tzinfo=UTC)
    assert format_datetime(late) == "۱۴۰۳/۰۵/۱۳ ۰۰:۱۵"
    assert format_datetime(late, "en") == "1403/05/13 00:15"
    assert format_datetime(datetime(2024, 8, 2, 14, 30)) == "۱۴۰۳/۰۵/۱۲ ۱۴:۳۰"


def test_format_date_long() -> None:
    assert format_date_long(date(2024, 8, 2)) == "۱۲ مرداد ۱۴۰۳"
    assert format_date_long(date(2024, 8, 2), "en") == "12 Mordad 1403"
    assert format_date_long(date(2025, 3, 21)) == "۱ فروردین ۱۴۰۴"
    assert format_date_long(date(2025, 3, 20), "en") == "30 Esfand 1403"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1403/5/12", date(2024, 8, 2)),
        ("۱۴۰۳-۰۵-۱۲", date(2024, 8, 2)),
        ("1403.05.12", date(2024, 8, 2)),
        (" ١٤٠٣/٠٥/١٢ ", date(2024, 8, 2)),
        ("1404/1/1", date(2025, 3, 21)),
        ("1403/12/30", date(2025, 3, 20)),  # 1403 is a leap year
        ("2024-08-02", date(2024, 8, 2)),
        ("۲۰۲۴-۰۸-۰۲", date(2024, 8, 2)),
        ("1404/12/30", None),  # 1404 is not
        ("1403/12/31", None),
        ("1403/13/01", None),
        ("1403/07/31", None),
        ("1403/00/10", None),
        ("1403/5-12", None),
        ("2024-02-30", None),
        ("1299/01/01", None),
        ("1800-01-01", None),
        ("14030512", None),
        ("1403/05/12 10:00", None),
        ("", None),
    ],
)
def test_parse_date(text: str, expected: date | None) -> None:
    assert parse_date(text) == expected


@given(dates)
def test_parse_date_round_trip(d: date) -> None:
    assert parse_date(format_date(d)) == d
    assert parse_date(format_date(d, "en")) == d
    assert parse_date(d.isoformat()) == d


def test_week_start() -> None:
    assert week_start(date(2024, 8, 2)) == date(2024, 7, 27)  # Friday
    assert week_start(date(2024, 8, 3)) == date(2024, 8, 3)  # Saturday


def test_week_of_nowruz_1404() -> None:
    # 1 Farvardin 1404 = Friday 2025-03-21; that week's Tuesday (2025-03-18) is 28 Esfand 1403.
    assert jalali_week(date(2025, 3, 21)) == (1403, 52)
    assert week_bounds(1403, 52) == (date(2025, 3, 15), date(2025, 3, 21))
    assert jalali_week(date(2025, 3, 22)) == (1404, 1)
    assert week_bounds(1404, 1) == (date(2025, 3, 22), date(2025, 3, 28))
    assert weeks_in_year(1403) == 52


def test_week_of_nowruz_1403() -> None:
    # 1 Farvardin 1403 = Wednesday 2024-03-20; that week's Tuesday (2024-03-19) is 29 Esfand 1402.
    assert jalali_week(date(2024, 3, 20)) == (1402, 53)
    assert week_bounds(1402, 53) == (date(2024, 3, 16), date(2024, 3, 22))
    assert week_bounds(1403, 1) == (date(2024, 3, 23), date(2024, 3, 29))
    # 1 Farvardin 1402 was a Tuesday, so week 1 starts with 27 Esfand 1401.
    assert week_bounds(1402, 1) == (date(2023, 3, 18), date(2023, 3, 24))
    assert weeks_in_year(1402) == 53


def test_week_of_nowruz_on_saturday() -> None:
    # 1 Farvardin 1405 = Saturday 2026-03-21 starts week 1 itself.
    assert week_bounds(1405, 1) == (date(2026, 3, 21), date(2026, 3, 27))
    assert jalali_week(date(2026, 3, 20)) == (1404, 52)


def test_mid_year_week() -> None:
    assert jalali_week(date(2024, 8, 2)) == (1403, 19)


@pytest.mark.parametrize(("year", "week"), [(1404, 0), (1404, 53), (1402, 54), (1403, -1)])
def test_week_bounds_rejects_missing_weeks(year: int, week: int) -> None:
    with pytest.raises(ValueError):
        week_bounds(year, week)


@given(dates)
def test_week_contains_date(d: date) -> None:
    year, week = jalali_week(d)
    start, end = week_bounds(year, week)
    assert start <= d <= end
    assert start == week_start(d)
    # The week's Tuesday lies in its Jalali year.
    assert jdatetime.date.fromgregorian(date=start + timedelta(days=3)).year == year


def test_weeks_tile_years() -> None:
    previous_end = week_bounds(1368, weeks_in_year(1368))[1]
    for year in range(1369, 1421):
        assert weeks_in_year(year) in (52, 53)
        # Like ISO's 4 January rule: 4 Farvardin is always in week 1.
        assert jalali_week(jdatetime.date(year, 1, 4).togregorian()) == (year, 1)
        for week in range(1, weeks_in_year(year) + 1):
            start, end = week_bounds(year, week)
            assert start.weekday() == SATURDAY and end.weekday() == FRIDAY
            assert end - start == timedelta(days=6)
            assert start == previous_end + timedelta(days=1)
            assert jalali_week(start) == jalali_week(end) == (year, week)
            previous_end = end


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1404-W12", (1404, 12)),
        ("۱۴۰۴-W۱۲", (1404, 12)),
        ("١٤٠٤-w١٢", (1404, 12)),
        (" 1404-W1 ", (1404, 1)),
        ("1402-W53", (1402, 53)),
        ("1404-W53", None),
        ("1404-W0", None),
        ("1404W12", None),
        ("1404-12", None),
        ("1404-W123", None),
        ("", None),
    ],
)
def test_parse_week(text: str, expected: tuple[int, int] | None) -> None:
    assert parse_week(text) == expected


def test_format_week() -> None:
    assert format_week(1404, 12) == "هفتهٔ ۱۲ سال ۱۴۰۴"
    assert format_week(1404, 12, "en") == "1404-W12"
    assert format_week(1404, 1, "en") == "1404-W01"


@given(dates)
def test_week_format_round_trip(d: date) -> None:
    year, week = jalali_week(d)
    text = format_week(year, week, "en")
    assert parse_week(text) == (year, week)
    assert parse_week(text.translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))) == (year, week)
