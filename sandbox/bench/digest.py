"""Benchmark of the weekly digest over a million survey answers: building its figures from the
database and writing the HTML, XLSX and charts, timed apart.

The data are the aggregation benchmark's (a year of completed citizen responses, their findings
and facilitators' findings); the findings of each statement are gathered into one problem in
bulk, as integration would, so the ranking has a realistic number of problems.
"""

from __future__ import annotations

import tempfile
from datetime import timedelta
from pathlib import Path
from time import perf_counter
from typing import Any

from sqlalchemy import false, func, insert, literal, select
from sqlalchemy.engine import URL
from sqlalchemy.ext.asyncio import AsyncSession

from backend.db import transaction
from backend.digest.build import build_digest
from backend.digest.period import week_of
from backend.models import Finding, Problem, ProblemFinding
from backend.services import surveys
from reports.digest import write_digest
from sandbox.bench.aggregation import START, measured, seeded

AIM_SECONDS = 15
PERIOD_DAY = START + timedelta(days=180)  # a week in the middle of the seeded year


async def gather_problems(session: AsyncSession) -> int:
    """One problem per distinct problem statement, holding every finding with that text; how many."""
    await session.execute(
        insert(Problem).from_select(
            ["title", "axis", "status", "created_at"],
            select(Finding.text, func.min(Finding.axis), literal("proposed"), func.min(Finding.created_at))
            .where(Finding.kind == "problem")
            .group_by(Finding.text),
        )
    )
    await session.execute(
        insert(ProblemFinding).from_select(
            ["problem_id", "finding_id", "confirmed"],
            select(Problem.id, Finding.id, false())
            .join(Problem, Problem.title == Finding.text)
            .where(Finding.kind == "problem"),
        )
    )
    return int(await session.scalar(select(func.count()).select_from(Problem)) or 0)


async def bench_digest(answers: int, database_url: str | URL, *, seed: int = 0) -> dict[str, Any]:
    """Build and write the Persian digest of one week over ``answers`` survey answers (plus their
    findings) in ``database_url`` (migrated first); seconds of each part against the 15 s aim."""
    problems = 0

    async def gather(session: AsyncSession) -> None:
        nonlocal problems
        problems = await gather_problems(session)
        await surveys.set_open(session, "mashhad_citizen", True)  # its results are charted

    async with seeded(answers, database_url, seed, gather) as (plan, sessions):
        period = week_of(PERIOD_DAY.date())
        seconds: dict[str, float] = {}

        async def digest() -> int:
            started = perf_counter()
            async with transaction(sessions) as session:
                built = await build_digest(session, plan, period)
            seconds["build"] = perf_counter() - started
            with tempfile.TemporaryDirectory() as directory:
                files = write_digest(built, "fa", Path(directory))
            seconds["write"] = perf_counter() - started - seconds["build"]
            return len(files.charts)

        run = await measured(digest)
    return {
        "answers": answers,
        "problems": problems,
        "week": period.label("en"),
        "charts": run.result,
        **run.figures(),
        **{f"{part}_seconds": round(value, 3) for part, value in seconds.items()},
        "aim_seconds": AIM_SECONDS,
    }
