"""The digest's files: the XLSX holds real numbers in right-to-left sheets, the HTML escapes user
text and shows Persian digits, Jalali weeks (one across Nowruz) bound the figures, and the CLI."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy.engine import URL

from backend import migrate
from backend.db import create_engine, session_factory, transaction
from backend.digest.build import Digest, build_digest
from backend.digest.period import Period, parse_period, week_of, week_period
from backend.errors import MeydanError
from backend.plan import Plan
from backend.services.findings import record_finding
from reports.digest import write_digest
from tests.cli import meydan
from tests.digest.conftest import BUILT, Sessions, build_fixture

ATTACK = '<img src=x onerror="alert(1)">=HYPERLINK("http://evil")'


@pytest.fixture
async def digest(sqlite_sessions: Sessions, plan: Plan) -> Digest:
    async with transaction(sqlite_sessions) as session:
        await build_fixture(session, plan)
        return await build_digest(session, plan, week_period(1403, 8), top=3, now=BUILT)


def test_weeks_and_periods() -> None:
    nowruz = week_of(date(2024, 3, 20))  # 1 Farvardin 1403 is a Wednesday
    assert (nowruz.first, nowruz.last) == (date(2024, 3, 16), date(2024, 3, 22))
    assert nowruz.week == (1402, 53)  # the week of its Tuesday, 29 Esfand 1402
    assert nowruz.label("fa") == "هفتهٔ ۵۳ سال ۱۴۰۲" and nowruz.label("en") == "1402-W53"
    assert nowruz.dates("fa") == "۱۴۰۲/۱۲/۲۶ – ۱۴۰۳/۰۱/۰۳"
    assert week_period(1403, 1).first == date(2024, 3, 23)  # the first week of 1403 starts after Nowruz
    assert nowruz.previous() == week_period(1402, 52)
    assert nowruz.start == datetime(2024, 3, 15, 20, 30, tzinfo=UTC)  # midnight in Tehran (UTC+03:30)
    today = date(2024, 5, 15)
    assert parse_period("۱۴۰۳-W۰۸", None, None, today) == week_period(1403, 8)
    assert parse_period(None, None, None, today) == week_period(1403, 8)
    span = parse_period(None, "1403/02/20", "2024-05-12", today)
    assert (span.first, span.last, span.week) == (date(2024, 5, 9), date(2024, 5, 12), None)
    assert span.previous() == Period(date(2024, 5, 5), date(2024, 5, 8))
    for args, message in (
        ((None, "1403/02/25", "1403/02/20"), "is before"),
        (("1403-W54", None, None), "1404-W12"),
        (("1403-W08", "1403/02/20", None), "not both"),
        ((None, "someday", None), "Jalali date"),
    ):
        with pytest.raises(MeydanError, match=message):
            parse_period(*args, today)


async def test_a_week_across_nowruz_counts_its_days_in_both_years(sqlite_sessions: Sessions, plan: Plan) -> None:
    async with transaction(sqlite_sessions) as session:
        for day, hour in ((15, 20), (16, 0), (19, 12), (20, 12), (22, 20), (23, 0)):  # UTC; Tehran is +03:30
            await record_finding(
                session,
                kind="problem",
                text=f"day {day}",
                source="elite_interview",
                created_at=datetime(2024, 3, day, hour, tzinfo=UTC),
            )
        digest = await build_digest(session, plan, week_of(date(2024, 3, 20)), now=BUILT)
    # 15th 20:00 UTC is 23:30 Friday (the week before); 22nd 20:00 UTC is 23:30 Friday (inside);
    # 23rd 00:00 UTC is 03:30 Saturday, 1403-W01
    assert digest.participation.totals.loc["findings"].to_dict() == {"current": 4, "previous": 1, "change": 3}


async def test_xlsx_has_numbers_in_right_to_left_sheets(digest: Digest, tmp_path: Path) -> None:
    files = write_digest(digest, "fa", tmp_path)
    book = load_workbook(files.xlsx)
    assert book.sheetnames[:3] == ["نگاه کلی", "جلسه‌ها", "یافته‌ها-نوع"]
    for sheet in book.worksheets:
        assert sheet.sheet_view.rightToLeft and sheet.freeze_panes == "A2"
    totals = book["نگاه کلی"]
    assert [c.value for c in totals[1]] == ["شاخص", "این بازه", "بازهٔ پیشین", "تغییر"]
    assert [[c.value for c in row] for row in totals.iter_rows(min_row=2, max_row=2)] == [["پاسخ‌نامه‌های کامل", 3, 1, 2]]
    for row in totals.iter_rows(min_row=2):
        assert [c.data_type for c in row[1:]] == ["n", "n", "n"]
    top = book["مسئله‌های برتر"]
    header = [c.value for c in top[1]]
    score, stability = header.index("امتیاز"), header.index("پایداری")
    for row in top.iter_rows(min_row=2):
        assert row[score].data_type == "n" and 0 < row[score].value <= 1
        assert row[stability].value == 1
    english = load_workbook(write_digest(digest, "en", tmp_path).xlsx)
    assert not english["At a glance"].sheet_view.rightToLeft
    commission = digest.plan.get("body", "strategic_commission")
    assert commission is not None and english["Approvals"]["A3"].value == commission.name("en")


async def test_html_is_right_to_left_with_persian_digits_and_escaped_text(digest: Digest, tmp_path: Path) -> None:
    first = digest.top.index[0]
    digest.top.loc[first, "title"] = ATTACK
    files = write_digest(digest, "fa", tmp_path)
    page = files.html.read_text(encoding="utf-8")
    assert '<html lang="fa" dir="rtl">' in page
    assert "هفتهٔ ۸ سال ۱۴۰۳" in page and "۱۴۰۳/۰۲/۲۲ – ۱۴۰۳/۰۲/۲۸" in page
    assert "&lt;img src=x onerror=&#34;alert(1)&#34;&gt;=HYPERLINK" in page and "<img src=x" not in page
    assert page.count('src="data:image/png;base64,') == len(files.charts) >= 2
    assert all(path.read_bytes().startswith(b"\x89PNG") for path in files.charts)
    book = load_workbook(files.xlsx)
    titles = [row[1] for row in book["مسئله‌های برتر"].iter_rows(min_row=2)]
    assert titles[0].value == ATTACK and titles[0].data_type == "s"  # text, not a formula
    english = write_digest(digest, "en", tmp_path).html.read_text(encoding="utf-8")
    assert '<html lang="en" dir="ltr">' in english and "1403-W08" in english


async def _fill(url: URL, plan: Plan) -> None:
    engine = create_engine(url)
    try:
        await migrate.upgrade(engine)
        async with transaction(session_factory(engine)) as session:
            await build_fixture(session, plan)
    finally:
        await engine.dispose()


@pytest.mark.slow  # runs meydan as a subprocess several times
def test_cli_writes_the_digest_or_says_what_is_wrong(sqlite_url: URL, tmp_path: Path, plan: Plan) -> None:
    asyncio.run(_fill(sqlite_url, plan))
    done = meydan(tmp_path, sqlite_url, "digest", "--week", "۱۴۰۳-W۰۸", "--out", "out", "--lang", "en")
    assert done.returncode == 0, done.stderr
    assert "1403-W08" in done.stdout and "responses completed" in done.stdout
    assert (tmp_path / "out" / "digest-1403-W08-en.html").exists()
    assert (tmp_path / "out" / "digest-1403-W08-en.xlsx").exists()
    done = meydan(tmp_path, sqlite_url, "digest", "--week", "1403-W60", "--out", "out")
    assert done.returncode == 1
    assert done.stderr == "meydan: cannot read the week '1403-W60'; write it as 1404-W12 (Jalali year, week 1-53)\n"
    (tmp_path / "taken").write_text("not a folder")
    done = meydan(tmp_path, sqlite_url, "digest", "--out", "taken")
    expected = "meydan: --out taken is a file; give the folder to write the digest into\n"
    assert (done.returncode, done.stderr) == (1, expected)
