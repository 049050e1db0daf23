"""Benchmark of integration: a generated corpus with known duplicates, recorded as findings and
integrated into problems (timed, with peak memory), then integrated again (nothing moves)."""

from __future__ import annotations

import random
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import URL

from backend import migrate
from sandbox.bench.aggregation import measured
from backend.config import async_database_url
from backend.db import create_engine, session_factory, transaction
from backend.integration.corpus import generate, pair_precision_recall
from backend.models import ProblemFinding
from backend.plan import load_plan
from backend.integration import problems
from backend.services.findings import new_finding

_BATCH = 10_000


async def bench_integration(statements: int, database_url: str | URL, *, seed: int = 0) -> dict[str, Any]:
    """Record ``statements`` generated statements (Persian and English, with Arabic-keyboard, digit
    and spelling variants of the same sentences) as findings in ``database_url`` (migrated
    first) and integrate them: the ``Measured`` figures of the first run, the seconds of a
    re-run, and the pairwise precision and recall against the known duplicates."""
    plan = load_plan()
    rng = random.Random(seed)
    corpus = generate(statements, seed=seed)
    sources, groups = [s.code for s in plan.sources], [g.code for g in plan.stakeholder_groups]
    engine = create_engine(async_database_url(database_url) if isinstance(database_url, str) else database_url)
    try:
        await migrate.upgrade(engine)
        sessions = session_factory(engine)
        ids = []
        for start in range(0, statements, _BATCH):
            async with transaction(sessions) as session:
                batch = []
                for text in corpus.texts[start:start + _BATCH]:
                    group = rng.choice(plan.working_groups)
                    batch.append(new_finding(kind="problem", text=text, source=rng.choice(sources),
                                             stakeholder_group=rng.choice(groups), working_group=group.code,
                                             axis=group.axis, severity=rng.randint(1, 5)))
                session.add_all(batch)
                await session.flush()
                ids += [finding.id for finding in batch]

        async def integrate() -> problems.IntegrationReport:
            async with transaction(sessions) as session:
                return await problems.integrate(session)

        first = await measured(integrate)
        again = await measured(integrate)
        async with transaction(sessions) as session:
            problem_of = dict((await session.execute(
                select(ProblemFinding.finding_id, ProblemFinding.problem_id))).all())
    finally:
        await engine.dispose()
    precision, recall = pair_precision_recall(corpus.groups, [problem_of[i] for i in ids])
    return {"statements": statements, "problems": first.result.problems, "true_groups": len(set(corpus.groups)),
            **first.figures(), "rerun_seconds": round(again.seconds, 3), "rerun_moved": again.result.moved,
            "precision": round(precision, 4), "recall": round(recall, 4), "aim_seconds": 60}
