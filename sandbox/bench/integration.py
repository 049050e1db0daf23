"""Benchmark of integration: its quality on the hand-written labeled complaints, and its speed.

Quality: each corpus file (``tests/data/integration/``: the tuning file and the held-out one) is
recorded as findings and integrated through ``problems.integrate`` with the plan's places, and
the problems are scored against the labels (pairwise precision, recall, adjusted Rand index);
its findings are then deleted so they do not weigh on what follows.

Speed: ``statements`` findings are made from the tuning file's complaints for volume only (never
scored): each complaint's place is swapped for one of ``statements / 20`` made-up places, and a
city-wide complaint gets a random word of the corpus, so that most are distinct. They are
integrated (timed, with peak memory), then integrated again (nothing moves).
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.engine import URL
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from backend import migrate
from backend.config import async_database_url
from backend.db import create_engine, session_factory, transaction
from backend.integration import problems
from backend.integration.reading import Reader
from backend.models import Finding, ProblemFinding, utcnow
from backend.plan import Plan, load_plan
from backend.services.findings import new_finding
from backend.text import normalize_persian
from sandbox.bench import labeled
from sandbox.bench.aggregation import measured

_BATCH = 10_000
_PER_PLACE = 20  # made-up complaints per made-up place
_NAMES = ("نسترن", "لاله", "نرگس", "یاس", "اقاقیا", "شقایق", "سپیدار", "ارغوان", "بنفشه", "مریم", "سوسن", "کاج")
_MARKERS = ("بلوار", "خیابان", "محله", "میدان", "کوچه")


def volume(complaints: Sequence[labeled.LabeledComplaint], size: int, seed: int = 0) -> list[str]:
    """``size`` complaints for timing only: the given ones with their place swapped for a made-up
    one (``_PER_PLACE`` complaints a place), city-wide ones with a random word of theirs added."""
    rng = random.Random(seed)
    texts = [normalize_persian(c.text) for c in complaints]
    readings = Reader().read_all(texts)
    words = sorted({w for t in texts for w in t.split() if len(w) > 3})
    made = []
    for _ in range(size):
        at = rng.randrange(len(texts))
        text, reading = texts[at], readings[at]
        if reading.labels:
            place = rng.randrange(max(1, size // _PER_PLACE))
            name = f"{rng.choice(_MARKERS)} {_NAMES[place % len(_NAMES)]} {place // len(_NAMES) + 1}"
            text = re.sub(re.escape(reading.labels[0]), name, text, count=1)
        else:
            text = f"{text} {rng.choice(words)}"
        made.append(text)
    return made


async def _record(
    sessions: async_sessionmaker[AsyncSession],
    plan: Plan,
    texts: Sequence[str],
    axes: Sequence[str],
    rng: random.Random,
) -> list[int]:
    sources, groups = [s.code for s in plan.sources], [g.code for g in plan.stakeholder_groups]
    ids: list[int] = []
    for start in range(0, len(texts), _BATCH):
        async with transaction(sessions) as session:
            batch = [
                new_finding(
                    kind="problem",
                    text=text,
                    source=rng.choice(sources),
                    stakeholder_group=rng.choice(groups),
                    axis=axis,
                    severity=rng.randint(1, 5),
                )
                for text, axis in zip(texts[start : start + _BATCH], axes[start : start + _BATCH], strict=True)
            ]
            session.add_all(batch)
            await session.flush()
            ids += [finding.id for finding in batch]
    return ids


async def _integrate(sessions: async_sessionmaker[AsyncSession], plan: Plan) -> problems.IntegrationReport:
    async with transaction(sessions) as session:
        return await problems.integrate(session, places=plan.places)


async def _problem_of(sessions: async_sessionmaker[AsyncSession]) -> dict[int, int]:
    async with transaction(sessions) as session:
        return dict((await session.execute(select(ProblemFinding.finding_id, ProblemFinding.problem_id))).all())


async def quality(sessions: async_sessionmaker[AsyncSession], plan: Plan, path: Path) -> dict[str, Any]:
    """Integrate the labeled complaints of ``path`` as findings (filed under their category) and
    score the problems; the findings are deleted afterwards."""
    complaints = labeled.load(path)
    ids = await _record(
        sessions, plan, [c.text for c in complaints], [c.category for c in complaints], random.Random(0)
    )
    report = await _integrate(sessions, plan)
    problem_of = await _problem_of(sessions)
    async with transaction(sessions) as session:
        await session.execute(update(Finding).where(Finding.id.in_(ids)).values(deleted_at=utcnow()))
    scores = labeled.score([c.problem for c in complaints], [problem_of[i] for i in ids])
    return {
        "statements": len(ids),
        "true_problems": len({c.problem for c in complaints}),
        "problems": report.problems,
        **scores.rounded(),
    }


async def bench_integration(
    statements: int, database_url: str | URL, progress: Callable[[int, int, str], None] | None = None
) -> dict[str, Any]:
    """In ``database_url`` (migrated first): the precision, recall and adjusted Rand index on the
    tuning and held-out files, then the ``Measured`` figures of integrating ``statements`` findings
    made for volume, and the seconds of a re-run."""
    plan = load_plan()
    engine = create_engine(async_database_url(database_url) if isinstance(database_url, str) else database_url)
    try:
        await migrate.upgrade(engine)
        sessions = session_factory(engine)
        scored = {}
        for name, path in (("tune", labeled.TUNE), ("holdout", labeled.HOLDOUT)):
            if progress:
                progress(0, statements, f"scoring the {name} corpus")
            scored[name] = await quality(sessions, plan, path)
        tune = labeled.load(labeled.TUNE)
        rng = random.Random(1)
        texts = volume(tune, statements)
        if progress:
            progress(0, statements, "recording findings for volume")
        await _record(sessions, plan, texts, [rng.choice(tune).category for _ in texts], rng)
        if progress:
            progress(0, statements, "integrating")
        first = await measured(lambda: _integrate(sessions, plan))
        again = await measured(lambda: _integrate(sessions, plan))
    finally:
        await engine.dispose()
    return {
        **{f"{name}_{key}": value for name, figures in scored.items() for key, value in figures.items()},
        "statements": statements,
        "problems": first.result.problems,
        **first.figures(),
        "rerun_seconds": round(again.seconds, 3),
        "rerun_moved": again.result.moved,
        "aim_seconds": 60,
    }
