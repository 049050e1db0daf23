"""Integration: near-duplicate findings become one problem; people's merges and splits stay."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.engine import URL
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from backend.db import transaction
from backend.errors import MeydanError
from backend.integration import problems
from backend.integration.matching import describe
from backend.models import Finding, MergeDecision, Problem, ProblemFinding
from backend.plan import Plan
from backend.services.findings import record_finding
from sandbox.bench import labeled
from sandbox.bench.integration import bench_integration
from sandbox.bench.labeled import HOLDOUT, TUNE

Sessions = async_sessionmaker[AsyncSession]
SOURCES = ("citizen_poll", "neighborhood_council", "elite_interview", "civil_society_forum")
TRAFFIC = "ترافیک سنگین در بلوار وکیل‌آباد در ساعات اوج صبح باعث می‌شود مردم ۴۵ دقیقه معطل شوند"
TRAFFIC_ARABIC_KEYBOARD = "ترافيك سنگين در بلوار وكيل‌آباد در ساعات اوج صبح باعث مي‌شود مردم ٤٥ دقيقه معطل شوند"
TRAFFIC_LATIN_DIGITS = "ترافیک سنگین در بلوار وکیل آباد در ساعات اوج صبح باعث میشود مردم 45 دقیقه معطل شوند!"
TRAFFIC_PLEASE = TRAFFIC + "؛ لطفاً رسیدگی کنید"
LIGHTS = "کمبود روشنایی معابر در محله طلاب باعث ناامنی شبانه برای زنان و کودکان شده است"
LIGHTS_AGAIN = "متأسفانه کمبود روشنایی معابر در محله طلاب باعث ناامنی شبانه برای زنان و کودکان شده است"
WASTE = "جمع‌آوری نشدن به‌موقع پسماند در بلوار طبرسی بوی بد و حشرات را در تابستان زیاد کرده است"


async def _record(session: AsyncSession, texts: list[str]) -> list[int]:
    ids = []
    for i, text in enumerate(texts):
        finding = await record_finding(
            session, kind="problem", text=text, source=SOURCES[i % len(SOURCES)], axis="transport"
        )
        ids.append(finding.id)
    return ids


async def _problem_of(session: AsyncSession) -> dict[int, int]:
    return dict((await session.execute(select(ProblemFinding.finding_id, ProblemFinding.problem_id))).all())


async def _integrate(sessions: Sessions) -> problems.IntegrationReport:
    async with transaction(sessions) as session:
        return await problems.integrate(session)


@pytest.mark.parametrize("corpus", [TUNE, HOLDOUT], ids=["tune", "holdout"])
async def test_hand_written_complaints_become_the_problems_a_planner_would_make(
    sessions: Sessions, plan: Plan, corpus: Path
) -> None:
    """Complaints written by hand as people write them (tests/data/integration/), filed under their
    (sometimes wrong) category, integrated by the real service with the plan's places: pairwise
    precision at least 0.9 and recall at least 0.8, on the tuning file and on the held-out one."""
    complaints = labeled.load(corpus)
    async with transaction(sessions) as session:
        ids = [
            (
                await record_finding(
                    session, kind="problem", text=c.text, source=SOURCES[i % len(SOURCES)], axis=c.category
                )
            ).id
            for i, c in enumerate(complaints)
        ]
    async with transaction(sessions) as session:
        report = await problems.integrate(session, places=plan.places)
    async with transaction(sessions) as session:
        problem_of = await _problem_of(session)
    scores = labeled.score([c.problem for c in complaints], [problem_of[i] for i in ids])
    print(
        f"{corpus.name}: {len(ids)} complaints, {report.problems} problems for "
        f"{len({c.problem for c in complaints})} true ones; precision {scores.precision:.3f}, "
        f"recall {scores.recall:.3f}, adjusted Rand index {scores.ari:.3f}"
    )
    assert scores.precision >= 0.9 and scores.recall >= 0.8


async def test_keyboard_and_digit_variants_are_one_problem_with_a_central_title(sqlite_sessions: Sessions) -> None:
    async with transaction(sqlite_sessions) as session:
        ids = await _record(
            session, [TRAFFIC_ARABIC_KEYBOARD, TRAFFIC, LIGHTS, TRAFFIC_LATIN_DIGITS, WASTE, TRAFFIC_PLEASE]
        )
    report = await _integrate(sqlite_sessions)
    assert (report.findings, report.problems, report.created) == (6, 3, 3)
    async with transaction(sqlite_sessions) as session:
        problem_of = await _problem_of(session)
        traffic = await session.get(Problem, problem_of[ids[0]])
        links = (
            await session.execute(
                select(ProblemFinding.similarity, ProblemFinding.reason)
                .where(ProblemFinding.problem_id == traffic.id)
                .order_by(ProblemFinding.finding_id)
            )
        ).all()
    assert problem_of[ids[0]] == problem_of[ids[1]] == problem_of[ids[3]] == problem_of[ids[5]] != problem_of[ids[2]]
    assert traffic.title == "ترافیک سنگین در بلوار وکیل‌آباد در ساعات اوج صبح باعث می‌شود مردم 45 دقیقه معطل شوند"
    assert traffic.status == "proposed" and traffic.axis == "transport"
    # the same once folded, and once the closing «لطفاً رسیدگی کنید» is removed
    assert [similarity for similarity, _ in links] == [1.0, 1.0, 1.0, 1.0]
    assert {describe(reason) for _, reason in links} == {"same place: بلوار وکیل‌آباد; same issue: ترافیک"}


async def test_rerun_keeps_problems_and_adds_new_findings(sqlite_sessions: Sessions) -> None:
    async with transaction(sqlite_sessions) as session:
        ids = await _record(session, [TRAFFIC, LIGHTS])
    await _integrate(sqlite_sessions)
    async with transaction(sqlite_sessions) as session:
        before = await _problem_of(session)
        ids += await _record(session, [LIGHTS_AGAIN, WASTE])
    report = await _integrate(sqlite_sessions)
    async with transaction(sqlite_sessions) as session:
        after = await _problem_of(session)
    assert (report.created, report.removed, report.moved) == (1, 0, 2)
    assert after[ids[0]] == before[ids[0]] and after[ids[1]] == after[ids[2]] == before[ids[1]]
    assert (await _integrate(sqlite_sessions)).moved == 0


async def test_confirmed_split_is_kept_after_rerunning_integration(sessions: Sessions) -> None:
    async with transaction(sessions) as session:
        ids = await _record(session, [TRAFFIC, TRAFFIC_ARABIC_KEYBOARD, TRAFFIC_LATIN_DIGITS, LIGHTS])
    await _integrate(sessions)
    async with transaction(sessions) as session:
        traffic = (await _problem_of(session))[ids[0]]
        split_off = await problems.split(session, traffic, [ids[2]], decided_by="committee")
        split_id = split_off.id
    report = await _integrate(sessions)
    async with transaction(sessions) as session:
        ids.append((await _record(session, [TRAFFIC_PLEASE]))[0])
    await _integrate(sessions)
    async with transaction(sessions) as session:
        problem_of = await _problem_of(session)
        statuses = dict((await session.execute(select(Problem.id, Problem.status))).all())
        decisions = Counter((await session.scalars(select(MergeDecision.together))).all())
    assert report.moved == 0 and report.created == 0
    assert problem_of[ids[0]] == problem_of[ids[1]] == traffic and problem_of[ids[2]] == split_id
    assert problem_of[ids[4]] in (traffic, split_id)
    assert statuses[traffic] == statuses[split_id] == "confirmed"
    assert decisions == {True: 1, False: 2}


async def test_confirmed_merge_is_kept_after_rerunning_integration(sessions: Sessions) -> None:
    async with transaction(sessions) as session:
        ids = await _record(session, [TRAFFIC, LIGHTS, LIGHTS_AGAIN, WASTE])
    await _integrate(sessions)
    async with transaction(sessions) as session:
        problem_of = await _problem_of(session)
        merged = await problems.merge(session, problem_of[ids[0]], problem_of[ids[1]])
        merged_id = merged.id
    report = await _integrate(sessions)
    async with transaction(sessions) as session:
        problem_of = await _problem_of(session)
        confirmed = (
            await session.scalars(select(ProblemFinding.confirmed).where(ProblemFinding.problem_id == merged_id))
        ).all()
        listed = await problems.summaries(session)
    assert report.moved == 0 and report.problems == 2
    assert problem_of[ids[0]] == problem_of[ids[1]] == problem_of[ids[2]] == merged_id != problem_of[ids[3]]
    assert confirmed == [True, True, True]
    assert [(p.id, p.findings, p.status) for p in listed] == [
        (merged_id, 3, "confirmed"),
        (problem_of[ids[3]], 1, "proposed"),
    ]


async def test_confirm_and_deleted_findings(sqlite_sessions: Sessions) -> None:
    async with transaction(sqlite_sessions) as session:
        ids = await _record(session, [LIGHTS, LIGHTS_AGAIN, WASTE])
    await _integrate(sqlite_sessions)
    async with transaction(sqlite_sessions) as session:
        lights = (await _problem_of(session))[ids[0]]
        await problems.confirm(session, lights)
        waste = await session.get(Finding, ids[2])
        waste.deleted_at = waste.created_at
    report = await _integrate(sqlite_sessions)
    async with transaction(sqlite_sessions) as session:
        assert await _problem_of(session) == {ids[0]: lights, ids[1]: lights}
        assert (await session.get(Problem, lights)).status == "confirmed"
    assert (report.findings, report.problems, report.removed) == (2, 1, 1)


async def test_people_get_a_clear_message_for_impossible_decisions(sqlite_sessions: Sessions) -> None:
    async with transaction(sqlite_sessions) as session:
        ids = await _record(session, [TRAFFIC, TRAFFIC_ARABIC_KEYBOARD, WASTE])
    await _integrate(sqlite_sessions)
    async with transaction(sqlite_sessions) as session:
        problem_of = await _problem_of(session)
        traffic, waste = problem_of[ids[0]], problem_of[ids[2]]
        with pytest.raises(MeydanError, match="not in problem"):
            await problems.split(session, traffic, [ids[2]])
        with pytest.raises(MeydanError, match="some but not all"):
            await problems.split(session, traffic, ids[:2])
        with pytest.raises(MeydanError, match="with itself"):
            await problems.merge(session, waste, waste)
        with pytest.raises(MeydanError, match="no problem #999"):
            await problems.merge(session, waste, 999)


async def test_bench_prints_precision_recall_and_adjusted_rand_beside_the_time(database_url: URL) -> None:
    figures = await bench_integration(2_000, database_url)
    for corpus in ("tune", "holdout"):
        assert figures[f"{corpus}_precision"] >= 0.9 and figures[f"{corpus}_recall"] >= 0.8, figures
        assert 0 < figures[f"{corpus}_ari"] <= 1
    assert figures["statements"] == 2_000 and figures["seconds"] > 0 and figures["peak_rss_mib"] > 0
    assert figures["rerun_moved"] == 0
