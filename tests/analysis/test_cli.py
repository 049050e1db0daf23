"""``meydan problems``, ``meydan aggregate`` and ``meydan prioritize`` run as a user runs them."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook
from sqlalchemy.engine import URL

from backend import migrate
from backend.db import create_engine, session_factory, transaction
from backend.plan import load_plan
from backend.services.findings import record_finding
from tests.analysis.helpers import answer, register_citizen_survey
from tests.cli import meydan

pytestmark = pytest.mark.slow  # every test runs meydan as a subprocess several times

TRAFFIC = "ترافیک سنگین در بلوار وکیل‌آباد در ساعات اوج صبح"
WASTE = "جمع‌آوری نشدن پسماند در بلوار طبرسی"


async def _build(url: URL) -> None:
    engine = create_engine(url)
    try:
        await migrate.upgrade(engine)
        async with transaction(session_factory(engine)) as session:
            for text, source in (
                (TRAFFIC, "elite_interview"),
                (TRAFFIC + "!", "council_interview"),
                ("ترافيك سنگين در بلوار وكيل‌آباد در ساعات اوج صبح", "agency_interview"),
                (WASTE, "elite_interview"),
            ):
                await record_finding(
                    session,
                    kind="problem",
                    text=text,
                    source=source,
                    axis="transport",
                    working_group="hq.transport",
                    stakeholder_group="elites",
                )
            survey = await register_citizen_survey(session)
            await answer(
                session,
                load_plan(),
                survey,
                1,
                district="d01",
                replies={
                    "district": "d01",
                    "age_band": "age_18_29",
                    "rate_transport": "2",
                    "axes_priority": ["transport", "economy", "governance", "social_cultural", "services_safety"],
                    "neighbourhood_problem": [TRAFFIC, "transport"],
                },
            )
    finally:
        await engine.dispose()


def test_integrate_show_split_aggregate_and_prioritize(sqlite_url: URL, tmp_path: Path) -> None:
    asyncio.run(_build(sqlite_url))

    done = meydan(tmp_path, sqlite_url, "problems", "integrate")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("5 findings in 2 problems: 2 new, 0 removed, 5 findings (re)linked")

    done = meydan(tmp_path, sqlite_url, "problems", "list", "--lang", "en")
    assert done.returncode == 0 and "Transport and traffic" in done.stdout and "proposed" in done.stdout

    done = meydan(tmp_path, sqlite_url, "problems", "show", "1")
    assert done.returncode == 0, done.stderr
    assert "by source: agency_interview 1, citizen_poll 1, council_interview 1, elite_interview 1" in done.stdout
    assert "survey_answer #" in done.stdout

    done = meydan(tmp_path, sqlite_url, "problems", "split", "1", "--finding", "3", "--by", "committee")
    assert done.returncode == 0 and done.stdout.startswith("#3 split off #1 (confirmed)"), done.stderr
    again = meydan(tmp_path, sqlite_url, "problems", "integrate")
    assert "3 problems: 0 new, 0 removed, 0 findings (re)linked" in again.stdout

    out = tmp_path / "by-source.csv"
    done = meydan(
        tmp_path,
        sqlite_url,
        "aggregate",
        "--by",
        "source,stakeholder_group",
        "--format",
        "csv",
        "--out",
        str(out),
        "--lang",
        "en",
    )
    assert done.returncode == 0 and done.stdout.strip() == f"{out}  (4 rows)", done.stderr
    table = pd.read_csv(out, encoding="utf-8-sig")
    assert table.findings.sum() == 5 and "Interviews with urban and topical elites" in set(table.source)

    out = tmp_path / "survey.xlsx"
    done = meydan(
        tmp_path,
        sqlite_url,
        "aggregate",
        "survey",
        "mashhad_citizen",
        "--segment",
        "district,age_band",
        "--format",
        "xlsx",
        "--out",
        str(out),
    )
    assert done.returncode == 0, done.stderr
    assert load_workbook(out).sheetnames == ["completion", "questions", "values"]

    done = meydan(tmp_path, sqlite_url, "aggregate", "coverage")
    assert done.returncode == 0 and "elite_interview" in done.stdout

    done = meydan(tmp_path, sqlite_url, "prioritize", "--top", "2", "--explain", "--stability", "1", "--lang", "en")
    assert done.returncode == 0, done.stderr
    assert "in_top_1" in done.stdout and "source_breadth" in done.stdout and "evidence by source" in done.stdout

    (tmp_path / "ballots.csv").write_text("1,2,3\n2,1\n۱,۳\n", encoding="utf-8")
    done = meydan(tmp_path, sqlite_url, "prioritize", "combine", "ballots.csv", "--method", "borda")
    assert done.returncode == 0 and "3 rankings combined (borda)" in done.stdout, done.stderr


def test_mistakes_get_one_line(sqlite_url: URL, tmp_path: Path) -> None:
    asyncio.run(_build(sqlite_url))
    for args, message in (
        (("aggregate", "--by", "axis,colour"), "cannot group by axis,colour (unknown colour)"),
        (("aggregate", "survey", "nope"), "no survey with code 'nope'"),
        (("problems", "merge", "1", "2"), "there is no problem #1"),
        (("prioritize", "combine", "missing.csv"), "cannot read missing.csv"),
    ):
        done = meydan(tmp_path, sqlite_url, *args)
        assert done.returncode == 1 and done.stderr.startswith(f"meydan: {message}"), (args, done.stderr)
        assert len(done.stderr.strip().splitlines()) == 1
