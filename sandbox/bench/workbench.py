"""Benchmark of the committee's workbench (part of ``meydan bench console``): the integration review page
over 10,000 problems and 100,000 findings, paginated, and a re-rank of the 10,000 problems after a
weight change, each as a signed-in committee member's request to the console (rendered HTML), beside
the backend's own time. Aims: the review page under 1 s, the re-rank under 2 s."""

from __future__ import annotations

import random
from pathlib import Path
from statistics import median
from time import perf_counter
from typing import Any

import httpx
from sqlalchemy import insert, text
from sqlalchemy.engine import URL, make_url

from backend import migrate
from backend.config import load_settings
from backend.console import signin
from backend.context import AppContext, transaction
from backend.db import create_engine, session_factory
from backend.integration import suggestions
from backend.models import Finding, Problem, ProblemFinding
from backend.plan import load_plan
from backend.plan.model import CRITERIA
from backend.services.findings import new_finding
from sandbox.bench.aggregation import finding_row
from sandbox.bench.corpus import generate
from sandbox.bench.databases import each_database
from sandbox.bench.options import BenchOptions, Figures

PROBLEMS = (10_000, 1_000)  # default, --quick
FINDINGS_EACH = 10
REPEATS = 5  # timed requests of each kind (the median is reported)
ADMIN = 1
SECRET = "bench-workbench-secret-key-of-32-chars!"


async def _seed(context: AppContext, problems: int, rng: random.Random) -> None:
    """``problems`` problems of ``FINDINGS_EACH`` findings each, sources, groups and districts at random."""
    plan = context.plan
    titles = generate(problems, seed=rng.randrange(1 << 30)).texts
    sources, groups = [s.code for s in plan.sources], [g.code for g in plan.stakeholder_groups]
    districts = [d.code for d in plan.districts]
    async with transaction(context) as session:
        ids = (
            await session.scalars(
                insert(Problem).returning(Problem.id, sort_by_parameter_order=True),
                [{"title": t, "axis": rng.choice(plan.axes).code, "status": "proposed"} for t in titles],
            )
        ).all()
        for start in range(0, problems, 1_000):
            rows, owners = [], []
            for problem_id, title in zip(ids[start : start + 1_000], titles[start : start + 1_000], strict=True):
                for n in range(FINDINGS_EACH):
                    finding = new_finding(
                        kind="problem",
                        text=title + "!" * n,
                        source=rng.choice(sources),
                        stakeholder_group=rng.choice(groups),
                        district=rng.choice(districts),
                        severity=rng.randint(1, 5),
                    )
                    rows.append(finding_row(finding))
                    owners.append(problem_id)
            made = (
                await session.scalars(insert(Finding).returning(Finding.id, sort_by_parameter_order=True), rows)
            ).all()
            await session.execute(
                insert(ProblemFinding),
                [{"problem_id": p, "finding_id": f, "similarity": 1.0} for p, f in zip(owners, made, strict=True)],
            )
        await session.execute(text("ANALYZE"))


async def _timed(client: httpx.AsyncClient, path: str) -> float:
    """The median seconds of ``REPEATS`` requests for ``path`` (after one warm-up)."""
    seconds = []
    for _ in range(REPEATS + 1):
        started = perf_counter()
        answer = await client.get(path)
        seconds.append(perf_counter() - started)
        assert answer.status_code == 200, (path, answer.status_code)
    return round(median(seconds[1:]), 3)


async def _measure(options: BenchOptions, variant: str, url: URL) -> Figures:
    from console.app import create_app  # the web adapter: only when this benchmark runs

    problems = options.size or PROBLEMS[options.quick]
    if variant == "sqlite":  # a file of its own beside the console benchmark's
        folder = Path(options.scratch, "workbench").resolve()
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "meydan.db").unlink(missing_ok=True)
        url = make_url(f"sqlite+aiosqlite:///{folder / 'meydan.db'}")
    settings = load_settings(
        database_url=url.render_as_string(hide_password=False), data_dir=str(options.scratch / "workbench"),
        secret_key=SECRET, admin_ids=str(ADMIN), web_url="http://127.0.0.1:9",
    )  # fmt: skip
    engine = create_engine(settings.db_url)
    context = AppContext(settings=settings, plan=load_plan(), engine=engine, sessions=session_factory(engine))
    figures: dict[str, Any] = {"problems": problems, "findings": problems * FINDINGS_EACH}
    try:
        await migrate.upgrade(engine)
        options.progress(0, 3, f"{variant}: seeding {problems:,} problems")
        await _seed(context, problems, random.Random(0))
        options.progress(1, 3, f"{variant}: suggesting merges")
        started = perf_counter()
        async with transaction(context) as session:
            figures["suggestions"] = await suggestions.refresh(session, context.plan.places)
        figures["suggestions_seconds"] = round(perf_counter() - started, 3)
        options.progress(2, 3, f"{variant}: timing the pages")
        app = create_app(context)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url=settings.web_url) as client:
            token = await signin.create_link(context, ADMIN)
            assert (await client.post("/signin", data={"token": token})).status_code == 303
            last = -(-problems // 20)
            figures["review_first_page_seconds"] = await _timed(client, "/review")
            figures["review_middle_page_seconds"] = await _timed(client, f"/review?page={last // 2}")
            figures["review_last_page_seconds"] = await _timed(client, f"/review?page={last}")
            figures["review_suggested_page_seconds"] = await _timed(client, "/review?suggested=1")
            changed = "&".join(f"{c}={10 if c == 'mentions' else 30}" for c in CRITERIA)
            figures["rerank_seconds"] = await _timed(client, f"/ranking/rows?{changed}")
            figures["ranking_page_seconds"] = await _timed(client, f"/ranking?{changed}")
    finally:
        await engine.dispose()
    return {**figures, "aim": {"review_page_seconds": 1, "rerank_seconds": 2}}


async def run(options: BenchOptions) -> Figures:
    """The review page and a re-rank over 10,000 problems and 100,000 findings, on SQLite and PostgreSQL."""
    return await each_database(options, lambda variant, url: _measure(options, variant, url))
