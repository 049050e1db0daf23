"""Citizen-poll imports (Shahr-e Man, 137) on SQLite and PostgreSQL: mapping, bad rows, re-imports."""

from __future__ import annotations

import csv
from collections.abc import AsyncIterator
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from typer.testing import CliRunner

from backend import migrate
from backend.db import create_engine, session_factory
from backend.errors import MeydanError
from backend.imports import ImportFailed, import_file
from backend.jalali import TEHRAN
from backend.models import Finding, ImportBatch, ImportRow
from backend.plan import load_plan
from sandbox.bench.imports import bench_import

HEADER_137 = ["شماره درخواست", "شرح درخواست", "موضوع", "منطقه", "تاریخ ثبت", "وضعیت"]
ROWS_137 = [
    ["1001", "چاله‌های بزرگ در خيابان كوهسنگي", "معابر و آسفالت", "منطقه ۱", "۱۴۰۳/۰۲/۱۵", "بسته"],
    ["1002", "زباله‌ها دیر جمع می‌شود", "نظافت و پسماند", "9", "1403/02/16", "باز"],
    ["1003", "روشنایی پارک ملت کم است", "روشنایی معابر", "", "", "باز"],
]
PLAN = load_plan()


@pytest.fixture
async def sessions(stack) -> AsyncIterator[async_sessionmaker[AsyncSession]]:  # type: ignore[no-untyped-def]
    engine = create_engine(stack.database_url)
    await migrate.upgrade(engine)
    yield session_factory(engine)
    await engine.dispose()


def write_csv(path: Path, rows: list[list[str]], header: list[str] = HEADER_137) -> Path:
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle).writerows([header, *rows])
    return path


async def run_import(sessions, path: Path, kind: str = "137", **options):  # type: ignore[no-untyped-def]
    async with sessions() as session, session.begin():
        return await import_file(session, PLAN, kind, path, zone=TEHRAN, **options)


async def counts(sessions) -> tuple[int, int, int]:  # type: ignore[no-untyped-def]
    async with sessions() as session:
        found = [await session.scalar(select(func.count()).select_from(m)) for m in (ImportBatch, ImportRow, Finding)]
    return tuple(found)  # type: ignore[return-value]


async def test_a_137_export_becomes_citizen_poll_findings_with_its_rows_as_evidence(sessions, tmp_path) -> None:  # type: ignore[no-untyped-def]
    result = await run_import(sessions, write_csv(tmp_path / "137.csv", ROWS_137))
    assert (result.imported, result.already, result.bad, result.unknown_columns) == (3, 0, [], [])
    async with sessions() as session:
        findings = (await session.scalars(select(Finding).order_by(Finding.id))).all()
        rows = {r.id: r for r in await session.scalars(select(ImportRow))}
    first, second, third = findings
    assert first.text == "چاله‌های بزرگ در خيابان كوهسنگي"  # the original is kept...
    assert first.normalized_text == "چاله‌های بزرگ در خیابان کوهسنگی"  # ...beside its normalized form
    assert (first.source, first.stakeholder_group, first.kind) == ("citizen_poll", "citizens", "problem")
    assert (first.axis, first.district, second.axis, second.district) == ("transport", "d01", "services_safety", "d09")
    assert first.created_at.astimezone(TEHRAN).date() == date(2024, 5, 4)  # 1403/02/15
    assert (third.axis, third.district) == ("services_safety", None)
    evidence = rows[first.import_row_id]
    assert evidence.row_number == 2 and evidence.data == dict(zip(HEADER_137, ROWS_137[0], strict=True))


async def test_a_shahreman_xlsx_export_is_read_too(sessions, tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "shahreman.xlsx"
    pd.DataFrame(
        [
            {
                "شناسه": 1,
                "متن نظر": "کمبود فضای سبز در محله",
                "دسته‌بندی": "فضای سبز",
                "منطقه": 12,
                "تاریخ ثبت": "1403/05/01",
                "امتیاز": 4,
            }
        ]
    ).to_excel(path, index=False)
    result = await run_import(sessions, path, "shahreman")
    assert result.imported == 1
    async with sessions() as session:
        finding = await session.scalar(select(Finding))
    assert (finding.axis, finding.district, finding.source) == ("urban_development", "d12", "citizen_poll")


async def test_bad_rows_are_listed_and_nothing_is_half_written(sessions, tmp_path) -> None:  # type: ignore[no-untyped-def]
    rows = [
        *ROWS_137,
        ["1004", "", "ترافیک و حمل و نقل", "منطقه ۲", "", ""],
        ["1005", "پیاده‌رو ندارد", "موضوعی ناشناخته", "منطقه ۲", "", ""],
        ["1006", "صف طولانی اتوبوس", "حمل و نقل عمومی", "منطقه ۹۹", "1403/13/01", ""],
    ]
    path = write_csv(tmp_path / "bad.csv", rows)
    with pytest.raises(ImportFailed) as failed:
        await run_import(sessions, path)
    assert [(b.row_number, b.reason) for b in failed.value.bad] == [
        (5, "empty 'شرح درخواست'"),
        (6, "category 'موضوعی ناشناخته' is not in the mapping"),
        (7, "area 'منطقه ۹۹' is not in the mapping"),
    ]
    assert await counts(sessions) == (0, 0, 0)

    skipped = await run_import(sessions, path, skip_bad=True)
    assert skipped.imported == 3 and [b.row_number for b in skipped.bad] == [5, 6, 7]
    assert await counts(sessions) == (1, 3, 3)


async def test_re_importing_adds_nothing_and_a_corrected_file_adds_only_new_rows(sessions, tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = write_csv(tmp_path / "137.csv", ROWS_137)
    first = await run_import(sessions, path)
    again = await run_import(sessions, path)
    assert again.batch_id is None and again.previous_batch == first.batch_id
    new_row = ["1004", "آب‌گرفتگی زیرگذر", "معابر و آسفالت", "3", "", ""]
    corrected = write_csv(tmp_path / "137-more.csv", [*ROWS_137, new_row, ROWS_137[0]])  # a row repeated too
    more = await run_import(sessions, corrected)
    assert (more.imported, more.already) == (1, 4)
    assert await counts(sessions) == (2, 4, 4)


async def test_a_wrong_column_names_what_is_missing_and_writes_nothing(sessions, tmp_path) -> None:  # type: ignore[no-untyped-def]
    header = ["شماره درخواست", "متن درخواست", "موضوع", "منطقه", "تاریخ ثبت", "وضعیت"]
    with pytest.raises(MeydanError, match="missing column\\(s\\) 'شرح درخواست'; unknown column\\(s\\) 'متن درخواست'"):
        await run_import(sessions, write_csv(tmp_path / "137.csv", ROWS_137, header))
    assert await counts(sessions) == (0, 0, 0)


async def test_a_mapping_file_overrides_the_bundled_one(sessions, tmp_path) -> None:  # type: ignore[no-untyped-def]
    mapping = tmp_path / "mine.yaml"
    mapping.write_text(
        "kind: '137'\ncolumns: {text: description, category: topic}\ncategories: {Traffic: transport}\n",
        encoding="utf-8",
    )
    path = write_csv(tmp_path / "en.csv", [["cars everywhere", "traffic"]], ["description", "topic"])
    assert (await run_import(sessions, path, mapping_path=mapping)).imported == 1
    mapping.write_text("kind: '137'\ncolumns: {text: description, category: topic}\ncategories: {x: nowhere}\n")
    with pytest.raises(MeydanError, match="axis code\\(s\\) the plan does not have: nowhere"):
        await run_import(sessions, path, mapping_path=mapping)


def test_the_import_command_lists_bad_rows_and_fails(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from bot.cli import app

    monkeypatch.setenv("MEYDAN_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("MEYDAN_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    path = write_csv(tmp_path / "137.csv", [*ROWS_137, ["1009", "متن", "نامعلوم", "", "", ""]])
    failed = CliRunner().invoke(app, ["import", "137", str(path)])
    assert failed.exit_code == 1 and "category 'نامعلوم' is not in the mapping" in failed.output
    assert "nothing was imported" in failed.output
    done = CliRunner().invoke(app, ["import", "137", str(path), "--skip-bad"])
    assert done.exit_code == 0 and "3 finding(s) imported" in done.output, done.output


async def test_bench_import_reports_its_figures(stack) -> None:  # type: ignore[no-untyped-def]
    figures = await bench_import(400, stack.database_url)
    assert figures["rows"] == figures["imported"] == 400
    assert figures["rows_per_second"] > 0 and figures["reimport_seconds"] < figures["seconds"]
