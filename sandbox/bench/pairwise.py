"""Benchmark of the citizens' pairwise ranking: the Bradley-Terry fit of 5,000 problems from
1,000,000 answers (in memory, and loaded from the database), and the time to choose the next pair
while 50 citizens answer at once through the use cases (SQLite; PostgreSQL when a server is given)."""

from __future__ import annotations

import asyncio
import random
from time import perf_counter
from typing import Any

import numpy as np
from sqlalchemy import insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import URL

from backend import migrate
from backend.config import load_settings
from backend.context import AppContext
from backend.db import create_engine, session_factory, transaction
from backend.jalali import utcnow
from backend.models import Finding, PairAnswer, Participant, Problem, ProblemFinding
from backend.pairwise import service
from backend.pairwise.choice import choose_pair
from backend.pairwise.model import fit, top_tau
from backend.pairwise.scopes import CITY, Scope, scopes_of, strengths_now
from backend.plan import load_plan
from backend.services.findings import new_finding
from sandbox.bench.aggregation import finding_row
from sandbox.bench.options import BenchOptions, Figures
from sandbox.bench.services import scratch_database
from sandbox.bench.stats import latency_ms

PROBLEMS, ANSWERS = 5_000, 1_000_000
QUICK_PROBLEMS, QUICK_ANSWERS = 500, 50_000
PER_CITIZEN = 20  # answers of each seeded citizen
CITIZENS_AT_ONCE, PAIRS_EACH = 50, 20
READING = (2.0, 6.0)  # seconds a paced citizen takes to read a pair and tap (uniform)
_CHUNK = 50_000
TICK = 0.01  # seconds between the looks at how late the event loop is
UNIQUE = ["participant_id", "problem_low", "problem_high"]


def _answers(problems: int, answers: int, rng: np.random.Generator) -> tuple[np.ndarray, ...]:
    """Answers on random pairs by the Bradley-Terry probability of hidden standard-normal strengths."""
    true = rng.normal(size=problems)
    first, second = rng.integers(0, problems, answers), rng.integers(0, problems, answers)
    second = np.where(first == second, (second + 1) % problems, second)
    wins = (rng.random(answers) < 1 / (1 + np.exp(true[second] - true[first]))).astype(np.float64)
    return true, first, second, wins


def bench_fit(problems: int, answers: int) -> Figures:
    """Seconds to fit ``problems`` strengths from ``answers`` answers held in memory, and how well
    they recover the hidden order (Kendall's tau of the top 10)."""
    true, first, second, wins = _answers(problems, answers, np.random.default_rng(0))
    started = perf_counter()
    fitted = fit(problems, first, second, wins)
    seconds = perf_counter() - started
    return {
        "problems": problems,
        "answers": answers,
        "fit_seconds": round(seconds, 2),
        "top10_tau": round(top_tau(true, fitted.value, 10), 3),
        "correlation": round(float(np.corrcoef(true, fitted.value)[0, 1]), 4),
    }


async def _seed(sessions: Any, problems: int, answers: int, rng: random.Random) -> list[int]:
    """``problems`` problems (one finding each, in a random district) and ``answers`` answers by
    citizens of 20 answers each; the problem ids."""
    plan = load_plan()
    districts = [d.code for d in plan.districts]
    _, first, second, wins = _answers(problems, answers, np.random.default_rng(1))
    async with transaction(sessions) as session:
        ids = (
            await session.scalars(
                insert(Problem).returning(Problem.id, sort_by_parameter_order=True),
                [{"title": f"مسئله {i}", "axis": plan.axes[i % len(plan.axes)].code} for i in range(problems)],
            )
        ).all()
        findings = (
            await session.scalars(
                insert(Finding).returning(Finding.id, sort_by_parameter_order=True),
                [
                    finding_row(
                        new_finding(
                            kind="problem", text=f"مسئله {i}", source="citizen_poll", district=rng.choice(districts)
                        )
                    )
                    for i in range(problems)
                ],
            )
        ).all()
        await session.execute(
            insert(ProblemFinding), [{"problem_id": p, "finding_id": f} for p, f in zip(ids, findings, strict=True)]
        )
        citizens = (
            await session.scalars(
                insert(Participant).returning(Participant.id, sort_by_parameter_order=True),
                [
                    {"pseudonym": f"bench-{i}", "district": rng.choice(districts)}
                    for i in range(answers // PER_CITIZEN + 1)
                ],
            )
        ).all()
    at, index = utcnow(), np.asarray(ids)
    for start in range(0, answers, _CHUNK):
        rows = []
        for k in range(start, min(start + _CHUNK, answers)):
            low, high = sorted((int(index[first[k]]), int(index[second[k]])))
            first_is_low = index[first[k]] == low
            won = "equal" if wins[k] == 0.5 else "low" if (wins[k] == 1) == first_is_low else "high"
            rows.append(
                {
                    "participant_id": citizens[k // PER_CITIZEN],
                    "problem_low": low,
                    "problem_high": high,
                    "choice": won,
                    "district": districts[k % len(districts)],
                    "answered_at": at,
                }
            )
        async with transaction(sessions) as session:  # a citizen's random pairs may repeat: kept once
            dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
            statement = dialect.insert(PairAnswer).on_conflict_do_nothing(index_elements=UNIQUE)
            await session.execute(statement, rows)
    return list(ids)


async def bench_database(database_url: URL, problems: int, answers: int, scratch: Any) -> Figures:
    """Seed the answers, fit the city's strengths from the database and every district's, then 50
    citizens answer 20 pairs each at once, paced as people (2-6 s to read a pair and tap), then 50
    others without pauses: the latency of each next pair through the use case (database reads and
    waiting for the event loop included), of the choice alone, and of each answer, and how late the
    event loop woke a task meanwhile."""
    engine = create_engine(database_url)
    try:
        await migrate.upgrade(engine)
        sessions = session_factory(engine)
        started = perf_counter()
        await _seed(sessions, problems, answers, random.Random(0))
        figures: Figures = {"seed_seconds": round(perf_counter() - started, 1)}
        async with sessions() as session:
            figures["answers_stored"] = int(len((await session.execute(select(PairAnswer.id))).all()))
            started = perf_counter()
            await strengths_now(session, CITY)
            figures["load_and_fit_city_seconds"] = round(perf_counter() - started, 2)
        settings = load_settings(  # the bench's database: PostgreSQL's answers do not queue for SQLite's one writer
            secret_key="bench-pairwise-key-of-32-characters",
            data_dir=scratch,
            database_url=database_url.render_as_string(hide_password=False),
        )
        app = AppContext(settings=settings, plan=load_plan(), engine=engine, sessions=sessions)
        districts = [d.code for d in app.plan.districts]
        started = perf_counter()
        scopes = [await scopes_of(engine).get(d) for d in districts]  # as the bot has them at hand
        figures["fit_all_districts_seconds"] = round(perf_counter() - started, 2)
        figures["choice_alone_ms"] = latency_ms(_choice_alone(scopes))
        figures["paced"] = await _citizens(app, districts, first_id=900_000, think=True)
        figures["without_pauses"] = await _citizens(app, districts, first_id=800_000, think=False)
        return figures
    finally:
        await engine.dispose()


async def _citizens(app: AppContext, districts: list[str], *, first_id: int, think: bool) -> Figures:
    """``CITIZENS_AT_ONCE`` new citizens answer ``PAIRS_EACH`` pairs each at once, taking ``READING``
    seconds per pair when ``think``: the latency of each next pair and each answer."""
    async with transaction(app.sessions) as session:
        for n in range(CITIZENS_AT_ONCE):
            district = districts[n % len(districts)]
            session.add(Participant(pseudonym=f"now-{first_id + n}", telegram_id=first_id + n, district=district))
    choosing: list[float] = []
    answering: list[float] = []

    async def citizen(n: int) -> None:
        district, pace = districts[n % len(districts)], random.Random(n)
        for k in range(PAIRS_EACH):
            await asyncio.sleep(pace.uniform(*READING) if think else 0)
            began = perf_counter()
            pair = await service.next_pair(app, first_id + n, district)
            choosing.append(perf_counter() - began)
            assert pair is not None
            began = perf_counter()
            shown = (pair.first.id, pair.second.id)
            await service.answer(app, (1, (first_id + n) * 100 + k), first_id + n, shown, "first", district)
            answering.append(perf_counter() - began)

    lateness: list[float] = []
    done = asyncio.Event()
    watching = asyncio.create_task(_watch_loop(lateness, done))
    started = perf_counter()
    await asyncio.gather(*(citizen(n) for n in range(CITIZENS_AT_ONCE)))
    done.set()
    await watching
    return {
        "citizens_at_once": CITIZENS_AT_ONCE,
        "next_pair_ms": latency_ms(choosing),
        "answer_ms": latency_ms(answering),
        "loop_late_ms": latency_ms(lateness),
        "answers_per_second": round(len(answering) / (perf_counter() - started), 1),
    }


async def _watch_loop(lateness: list[float], done: asyncio.Event) -> None:
    """How late the event loop wakes a task sleeping ``TICK`` seconds, again and again until ``done``:
    what every callback in the process waits for the loop (and the interpreter lock)."""
    while not done.is_set():
        began = perf_counter()
        await asyncio.sleep(TICK)
        lateness.append(perf_counter() - began - TICK)


def _choice_alone(scopes: list[Scope], rounds: int = 100) -> list[float]:
    """Seconds of ``choose_pair`` alone (no database, no waiting for the event loop) for a citizen
    who has answered 20 pairs, in each district's scope."""
    rng = np.random.default_rng(2)
    seconds = []
    for scope in scopes:
        n = len(scope.problems)
        for _ in range(rounds):
            answered = [tuple(sorted(int(x) for x in rng.choice(n, 2, replace=False))) for _ in range(PAIRS_EACH)]
            began = perf_counter()
            choose_pair(scope.strengths, scope.shown, answered, rng)  # type: ignore[arg-type]
            seconds.append(perf_counter() - began)
    return seconds


async def run(options: BenchOptions) -> Figures:
    """The fit in memory, then the database variants."""
    problems, answers = (QUICK_PROBLEMS, QUICK_ANSWERS) if options.quick else (PROBLEMS, ANSWERS)
    answers = options.size or answers
    figures: Figures = {"fit": await asyncio.to_thread(bench_fit, problems, answers)}
    options.progress(1, 3, "fitted in memory")
    sqlite = URL.create("sqlite+aiosqlite", database=str(options.scratch / "pairwise.db"))
    figures["sqlite"] = await bench_database(sqlite, problems, answers, options.scratch)
    options.progress(2, 3, "SQLite")
    if options.postgres_url is None:
        figures["postgresql"] = {"skipped": "no PostgreSQL server given (MEYDAN_BENCH_POSTGRES_URL)"}
    else:
        async with scratch_database(options.postgres_url) as url:
            figures["postgresql"] = await bench_database(url, problems, answers, options.scratch)
    options.progress(3, 3, "done")
    return figures
