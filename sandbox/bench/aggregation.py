"""Benchmark of aggregation over a million survey answers (and the findings they made).

The data are written in bulk, shaped exactly as the services write them (the bundled citizen
survey's answers as ``responses.record`` stores them, citizen-poll findings as
``responses.complete`` makes them, facilitators' findings as ``new_finding`` builds them), since
a million answers through the conversation would take hours. Only the aggregation is timed.
"""

from __future__ import annotations

import random
import resource
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from time import perf_counter, process_time
from typing import Any, Generic, TypeVar

from sqlalchemy import insert, text
from sqlalchemy.engine import URL
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from backend import migrate
from backend.aggregation.coverage import coverage
from backend.aggregation.findings import count_findings
from backend.aggregation.surveys import survey_results
from backend.config import async_database_url
from backend.db import create_engine, session_factory, transaction
from backend.models import Answer, Finding, Participant, Response
from backend.plan import Plan, load_plan
from backend.services import surveys
from backend.services.findings import new_finding
from backend.surveys import BUNDLED_DIR
from backend.surveys.model import QuestionType
from sandbox.bench.corpus import generate

T = TypeVar("T")
CITIZEN_SURVEY = "mashhad_citizen.yaml"
ANSWERS_PER_RESPONSE = 12  # the bundled citizen survey, every question passed
FACILITATOR_SHARE = 0.2  # facilitators' findings per completed response
AGE_BANDS = ("under_18", "age_18_29", "age_30_44", "age_45_59", "age_60_plus")
START = datetime(2024, 3, 20, tzinfo=UTC)  # Nowruz 1403
_BATCH = 20_000


def _peak_rss_mib() -> float:
    """The process's peak resident memory so far (VmHWM on Linux, else ``ru_maxrss``)."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@dataclass(frozen=True)
class Measured(Generic[T]):
    """What a timed piece of work returned, its wall and CPU seconds (this process only, not the
    database server's) and the process's peak resident MiB while it ran."""

    result: T
    seconds: float
    cpu_seconds: float
    peak_rss_mib: float

    def figures(self) -> dict[str, float]:
        """The measures, rounded, for a benchmark's figures."""
        return {
            "seconds": round(self.seconds, 3),
            "cpu_seconds": round(self.cpu_seconds, 3),
            "peak_rss_mib": round(self.peak_rss_mib, 1),
        }


async def measured(work: Callable[[], Awaitable[T]]) -> Measured[T]:
    """Run ``work()`` and measure it; the peak memory is reset first where Linux allows
    (elsewhere it may include earlier work)."""
    with suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")  # resets VmHWM to the present resident size
    started, cpu = perf_counter(), process_time()
    result = await work()
    return Measured(result, perf_counter() - started, process_time() - cpu, _peak_rss_mib())


async def _bulk(session: AsyncSession, model: Any, rows: list[dict[str, Any]], returning: Any = None) -> list[int]:
    ids: list[int] = []
    for start in range(0, len(rows), _BATCH):
        part = rows[start : start + _BATCH]
        if returning is None:
            await session.execute(insert(model), part)
        else:
            ids += (await session.scalars(insert(model).returning(returning, sort_by_parameter_order=True), part)).all()
    return ids


async def seed_responses(
    session: AsyncSession, plan: Plan, responses: int, rng: random.Random, start: datetime = START
) -> None:
    """``responses`` completed responses to the bundled citizen survey, each with every answer,
    their citizen-poll findings, and a fifth as many facilitators' findings, over a year from ``start``."""
    registration = await surveys.register(session, surveys.load_definition(BUNDLED_DIR / CITIZEN_SURVEY))
    definition = registration.version.definition
    axes, districts = [a.code for a in plan.axes], [d.code for d in plan.districts]
    texts = generate(2_000, seed=rng.randrange(1 << 30)).texts
    profiles = [(rng.choice(districts), rng.choice(AGE_BANDS)) for _ in range(responses)]
    times = [start + timedelta(minutes=rng.randrange(365 * 24 * 60)) for _ in range(responses)]
    people = await _bulk(
        session,
        Participant,
        [
            {
                "pseudonym": f"bench-{i}-{rng.getrandbits(64):x}",
                "stakeholder_group": "citizens",
                "district": district,
                "created_at": at,  # joined when they answered
            }
            for i, ((district, _), at) in enumerate(zip(profiles, times, strict=True))
        ],
        Participant.id,
    )
    made = await _bulk(
        session,
        Response,
        [
            {
                "survey_version_id": registration.version.id,
                "participant_id": person,
                "status": "completed",
                "district": district,
                "stakeholder_group": "citizens",
                "started_at": at,
                "completed_at": at,
            }
            for person, (district, _), at in zip(people, profiles, times, strict=True)
        ],
        Response.id,
    )
    answers: list[dict[str, Any]] = []
    problems: list[dict[str, Any]] = []
    for response, (district, age), at in zip(made, profiles, times, strict=True):
        for question in definition["questions"]:
            name, kind = question["name"], question["type"]
            value: Any = {
                QuestionType.DISTRICT: district,
                QuestionType.SELECT_ONE: age,
                QuestionType.AXES_RANK: rng.sample(axes, len(axes)),
                QuestionType.RANGE: rng.randint(1, 5) if rng.random() < 0.8 else None,
                QuestionType.PROBLEM: {"text": rng.choice(texts), "axis": rng.choice(axes)},
            }.get(QuestionType(kind))
            row = {
                "response_id": response,
                "question": name,
                "value": value,
                "skipped": value is None,
                "answered_at": at,
            }
            (problems if kind == QuestionType.PROBLEM else answers).append(row)
    await _bulk(session, Answer, answers)
    answer_ids = await _bulk(session, Answer, problems, Answer.id)
    findings = [
        finding_row(
            new_finding(
                kind="problem",
                text=row["value"]["text"],
                source="citizen_poll",
                stakeholder_group="citizens",
                axis=row["value"]["axis"],
                district=district,
                participant_id=person,
                answer_id=answer_id,
                created_at=at,
            )
        )
        for row, answer_id, person, (district, _), at in zip(problems, answer_ids, people, profiles, times, strict=True)
    ]
    sources = [s.code for s in plan.sources if s.code != "citizen_poll"]
    groups = [g.code for g in plan.stakeholder_groups]
    for _ in range(int(responses * FACILITATOR_SHARE)):
        group = rng.choice(plan.working_groups)
        findings.append(
            finding_row(
                new_finding(
                    kind=rng.choice(("problem", "problem", "strategy", "project")),
                    text=rng.choice(texts),
                    source=rng.choice(sources),
                    stakeholder_group=rng.choice(groups),
                    working_group=group.code,
                    axis=group.axis,
                    district=rng.choice(districts),
                    severity=rng.randint(1, 5),
                    created_at=start + timedelta(minutes=rng.randrange(365 * 24 * 60)),
                )
            )
        )
    await _bulk(session, Finding, findings)
    await session.execute(text("ANALYZE"))  # the statistics a database in use has


def finding_row(finding: Finding) -> dict[str, Any]:
    """A new finding's column values (unset ones left to their defaults), for a bulk insert."""
    return {
        column.key: getattr(finding, column.key)
        for column in Finding.__table__.columns
        if getattr(finding, column.key) is not None
    }


@asynccontextmanager
async def seeded(
    answers: int,
    database_url: str | URL,
    seed: int,
    more: Callable[[AsyncSession], Awaitable[object]] | None = None,
    start: datetime = START,
) -> AsyncIterator[tuple[Plan, async_sessionmaker[AsyncSession]]]:
    """The bundled plan and sessions on ``database_url`` (migrated first) holding ``answers``
    survey answers in completed responses and their findings, plus what ``more`` adds in the
    same transaction."""
    plan = load_plan()
    engine = create_engine(async_database_url(database_url) if isinstance(database_url, str) else database_url)
    try:
        await migrate.upgrade(engine)
        sessions = session_factory(engine)
        async with transaction(sessions) as session:
            await seed_responses(session, plan, answers // ANSWERS_PER_RESPONSE, random.Random(seed), start)
            if more is not None:
                await more(session)
        yield plan, sessions
    finally:
        await engine.dispose()


async def bench_aggregation(answers: int, database_url: str | URL, *, seed: int = 0) -> dict[str, Any]:
    """Aggregate ``answers`` survey answers (in completed responses of the bundled survey) and
    their findings in ``database_url`` (migrated first): findings by six dimensions and the
    Jalali week, survey results by district and age band, and the coverage matrix. Returns
    the result rows, the seconds of each part and the ``Measured`` figures of all."""
    async with seeded(answers, database_url, seed) as (plan, sessions):
        seconds: dict[str, float] = {}

        async def aggregate() -> int:
            async with transaction(sessions) as session:
                started = perf_counter()
                found = await count_findings(
                    session,
                    ["axis", "working_group", "source", "stakeholder_group", "district", "week"],
                    zone=plan.spec.timezone,
                )
                seconds["findings"] = perf_counter() - started
                results = await survey_results(session, "mashhad_citizen", segments=["district", "age_band"])
                seconds["survey"] = perf_counter() - started - seconds["findings"]
                matrix = await coverage(session, plan)
                seconds["coverage"] = perf_counter() - started - seconds["findings"] - seconds["survey"]
            return len(found) + len(results.values) + len(matrix)

        run = await measured(aggregate)
    return {
        "answers": answers,
        "result_rows": run.result,
        **run.figures(),
        **{f"{part}_seconds": round(value, 3) for part, value in seconds.items()},
        "aim_seconds": 5,
    }
