"""Benchmarks of closing the loop: the weekly news batch for N contributors (100,000) queued through
the outbox, and the public site for N problems (10,000) written as static files.

``populate`` makes the data both need (and the fault test's): contributors, one problem finding each,
problems of ``per_problem`` findings that went through integration, ranking, an agenda and a decision.
"""

from __future__ import annotations

import resource
import tempfile
from collections.abc import Callable
from pathlib import Path
from time import perf_counter
from typing import Any

from sqlalchemy import insert
from sqlalchemy.engine import URL

from backend import migrate
from backend.config import async_database_url, load_settings
from backend.context import AppContext
from backend.db import create_engine, session_factory
from backend.jalali import utcnow
from backend.lifecycle import stages
from backend.lifecycle.batch import weekly_batch
from backend.models import Finding, Participant, Problem, ProblemFinding, StageEvent
from backend.plan import load_plan

Progress = Callable[[int, int, str], None] | None
CHUNK = 5_000
AXES = ("transport", "urban_development", "services_safety", "economy", "social_cultural", "governance")
SOURCES = ("citizen_poll", "neighborhood_council", "elite_interview", "agency_interview", "civil_society_forum")
GROUPS = ("citizens", "civil_society", "elites", "municipality_staff")
FIRST_CHAT = 500_000_000


def context(url: URL, workdir: Path) -> AppContext:
    """An application context over ``url`` (settings of a scratch run)."""
    settings = load_settings(
        database_url=url.render_as_string(hide_password=False),
        data_dir=workdir,
        secret_key="bench-lifecycle-secret-key-32-chars!",
        public_url="https://results.example.org/public",
    )
    engine = create_engine(settings.db_url)
    return AppContext(settings=settings, plan=load_plan(), engine=engine, sessions=session_factory(engine))


async def _rows(app: AppContext, model: Any, rows: list[dict[str, Any]]) -> None:
    for start in range(0, len(rows), CHUNK):
        async with app.sessions() as session, session.begin():
            await session.execute(insert(model.__table__), rows[start : start + CHUNK])


async def populate(app: AppContext, contributors: int, per_problem: int = 10, progress: Progress = None) -> int:
    """Contributors, each with one finding, in problems of ``per_problem`` findings that were
    integrated, ranked, put on the first body's agenda and approved; how many problems."""
    await migrate.upgrade(app.engine)
    districts = [d.code for d in app.plan.districts]
    body = app.plan.bodies[0].code
    now = utcnow()
    problems = max(1, contributors // per_problem)
    await _rows(
        app,
        Problem,
        [
            {
                "id": p + 1,
                "title": f"problem {p + 1}",
                "public_title": f"مسئلهٔ عمومی {p + 1}",
                "axis": AXES[p % 6],
                "status": "confirmed",
                "created_at": now,
            }
            for p in range(problems)
        ],
    )
    if progress:
        progress(0, contributors, "contributors")
    await _rows(
        app,
        Participant,
        [
            {
                "id": i + 1,
                "pseudonym": f"bench-{i + 1}",
                "telegram_id": FIRST_CHAT + i,
                "language": "fa",
                "stakeholder_group": GROUPS[i % 4],
                "district": districts[i % len(districts)],
                "created_at": now,
            }
            for i in range(contributors)
        ],
    )
    await _rows(
        app,
        Finding,
        [
            {
                "id": i + 1,
                "kind": "problem",
                "text": f"گفتهٔ شمارهٔ {i + 1}",
                "normalized_text": f"گفته {i + 1}",
                "source": SOURCES[i % 5],
                "stakeholder_group": GROUPS[i % 4],
                "axis": AXES[(i % problems) % 6],
                "district": districts[i % len(districts)],
                "severity": 3,
                "participant_id": i + 1,
                "created_at": now,
            }
            for i in range(contributors)
        ],
    )
    await _rows(
        app, ProblemFinding, [{"problem_id": i % problems + 1, "finding_id": i + 1} for i in range(contributors)]
    )
    events = []
    for p in range(1, problems + 1):
        events += [
            stages.event("bench", p, "integrated", at=now),
            stages.event("bench", p, "ranked", at=now, rank=p),
            stages.event("bench", p, "on_agenda", at=now, body=body, rank=p),
            stages.event("bench", p, "approved", at=now, body=body),
        ]
    await _rows(app, StageEvent, events)
    if progress:
        progress(contributors, contributors, "contributors")
    return problems


def _cpu() -> float:
    """CPU seconds of this process and its finished children (the site's forked writers)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _news(lang: str, items: Any, more: int) -> str:
    return "\n".join(f"{item.finding_id}: {item.stage.stage}" for item in items) + (f"\n+{more}" if more else "")


async def bench_news(size: int, database_url: str | URL, progress: Progress = None) -> dict[str, Any]:
    """The weekly batch for ``size`` contributors whose items moved: seconds to queue every message
    (aim: under 60 s for 100,000), then the same week again (queues nothing)."""
    url = database_url if isinstance(database_url, URL) else async_database_url(database_url)
    with tempfile.TemporaryDirectory() as folder:
        app = context(url, Path(folder))
        try:
            problems = await populate(app, size, progress=progress)
            started, cpu = perf_counter(), _cpu()
            report = await weekly_batch(app, "bench-week", _news)
            seconds, cpu = perf_counter() - started, _cpu() - cpu
            started = perf_counter()
            again = await weekly_batch(app, "bench-week", _news)
            again_seconds = perf_counter() - started
        finally:
            await app.engine.dispose()
    assert report.queued == size and again.queued == 0, (report, again)
    return {
        "contributors": size,
        "problems": problems,
        "queued": report.queued,
        "seconds": round(seconds, 2),
        "cpu_seconds": round(cpu, 2),
        "messages_per_second": round(size / seconds) if seconds else 0,
        "rerun_seconds": round(again_seconds, 2),
    }


async def bench_publish(size: int, database_url: str | URL, progress: Progress = None) -> dict[str, Any]:
    """The public site of ``size`` problems (10 findings each) written as static files: seconds to
    read the results and to write every page in Persian and English and the open data (aim: under 30 s
    for 10,000)."""
    from backend.public.results import results
    from reports.public.site import Site, write_site

    url = database_url if isinstance(database_url, URL) else async_database_url(database_url)
    with tempfile.TemporaryDirectory() as folder:
        app = context(url, Path(folder))
        try:
            await populate(app, size * 10, progress=progress)
            started, cpu = perf_counter(), _cpu()
            async with app.sessions() as session:
                found = await results(session, app.plan, app.zone)
            read = perf_counter() - started
            files = write_site(Site(found, app.plan, app.zone), Path(folder) / "site")
            seconds, cpu = perf_counter() - started, _cpu() - cpu
            size_mb = sum(p.stat().st_size for p in (Path(folder) / "site").rglob("*") if p.is_file()) / 1e6
        finally:
            await app.engine.dispose()
    return {
        "problems": size,
        "files": files,
        "seconds": round(seconds, 2),
        "cpu_seconds": round(cpu, 2),
        "read_seconds": round(read, 2),
        "megabytes": round(size_mb, 1),
    }
