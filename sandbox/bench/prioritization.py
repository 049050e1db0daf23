"""Benchmark of prioritization: ten thousand problems scored from the database, ranked, the top
explained, and the stability of the top K under a thousand weight draws."""

from __future__ import annotations

import random
from time import perf_counter
from typing import Any

from sqlalchemy import insert, select, text
from sqlalchemy.engine import URL
from sqlalchemy.ext.asyncio import AsyncSession

from backend import migrate
from backend.config import async_database_url
from backend.db import create_engine, session_factory, transaction
from backend.models import Finding, Problem, ProblemFinding
from backend.plan import Plan, load_plan
from backend.prioritize.priorities import explain, prioritize
from backend.prioritize.stability import DRAWS
from backend.services.findings import new_finding
from sandbox.bench.aggregation import finding_row, measured, seed_responses
from sandbox.bench.corpus import generate

RESPONSES = 5_000  # citizens whose answers feed citizen salience
TOP = 20


async def _seed_problems(session: AsyncSession, plan: Plan, problems: int, rng: random.Random) -> None:
    """``problems`` problems with one to twenty facilitators' findings each (sources, groups,
    districts and severities at random); the citizens' findings are linked to them too."""
    titles = generate(problems, seed=rng.randrange(1 << 30)).texts
    ids = (
        await session.scalars(
            insert(Problem).returning(Problem.id, sort_by_parameter_order=True),
            [{"title": title, "axis": rng.choice(plan.axes).code, "status": "proposed"} for title in titles],
        )
    ).all()
    sources, groups = [s.code for s in plan.sources], [g.code for g in plan.stakeholder_groups]
    districts = [d.code for d in plan.districts]
    rows, owners = [], []
    for problem_id, title in zip(ids, titles, strict=True):
        for _ in range(min(20, int(rng.expovariate(1 / 5)) + 1)):
            rows.append(
                finding_row(
                    new_finding(
                        kind="problem",
                        text=title,
                        source=rng.choice(sources),
                        stakeholder_group=rng.choice(groups),
                        district=rng.choice(districts),
                        severity=rng.randint(1, 5),
                    )
                )
            )
            owners.append(problem_id)
    made = (await session.scalars(insert(Finding).returning(Finding.id, sort_by_parameter_order=True), rows)).all()
    citizens = (await session.scalars(select(Finding.id).where(Finding.answer_id.is_not(None)))).all()
    links = [{"problem_id": p, "finding_id": f} for p, f in zip(owners, made, strict=True)]
    links += [{"problem_id": rng.choice(ids), "finding_id": f} for f in citizens]
    await session.execute(insert(ProblemFinding), links)
    await session.execute(text("ANALYZE"))


async def bench_prioritization(
    problems: int, database_url: str | URL, *, draws: int = DRAWS, seed: int = 0
) -> dict[str, Any]:
    """Score and rank ``problems`` problems (about five findings each, and citizens' answers) in
    ``database_url`` (migrated first), explain the top 20 and compute the stability of the top
    20 over ``draws`` weight draws: the seconds of each part, the ``Measured`` figures of all,
    and how many of the top 20 stay in it in nine draws of ten."""
    plan = load_plan()
    rng = random.Random(seed)
    engine = create_engine(async_database_url(database_url) if isinstance(database_url, str) else database_url)
    try:
        await migrate.upgrade(engine)
        sessions = session_factory(engine)
        async with transaction(sessions) as session:
            await seed_responses(session, plan, RESPONSES, rng)
            await _seed_problems(session, plan, problems, rng)
        seconds: dict[str, float] = {}

        async def rank() -> int:
            async with transaction(sessions) as session:
                started = perf_counter()
                priorities = await prioritize(session, plan)
                seconds["ranking"] = perf_counter() - started
                await explain(session, priorities, priorities.ranked.index[:TOP].tolist())
                seconds["explain"] = perf_counter() - started - seconds["ranking"]
            started = perf_counter()
            solid = priorities.stability(TOP, draws=draws)
            seconds["stability"] = perf_counter() - started
            return int((solid[:TOP] >= 0.9).sum())

        run = await measured(rank)
    finally:
        await engine.dispose()
    return {
        "problems": problems,
        "draws": draws,
        **run.figures(),
        **{f"{part}_seconds": round(value, 3) for part, value in seconds.items()},
        "top_solid": run.result,
        "aim_seconds": 10,
    }
