"""Integration: near-duplicate findings become one problem; people's merges and splits stay."""

from __future__ import annotations

from collections import Counter

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from backend.db import transaction
from backend.errors import MeydanError
from backend.integration.corpus import generate, pair_precision_recall
from backend.models import Finding, MergeDecision, Problem, ProblemFinding
from backend.services import problems
from backend.services.findings import record_finding

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
        finding = await record_finding(session, kind="problem", text=text, source=SOURCES[i % len(SOURCES)],
                                       axis="transport")
        ids.append(finding.id)
    return ids


async def _problem_of(session: AsyncSession) -> dict[int, int]:
    return dict((await session.execute(select(ProblemFinding.finding_id, ProblemFinding.problem_id))).all())


async def _integrate(sessions: Sessions) -> problems.IntegrationReport:
    async with transaction(sessions) as session:
        return await problems.integrate(session)


@pytest.mark.slow  # integrates a generated corpus (a small benchmark)
async def test_generated_duplicates_found_with_precision_and_recall(sessions: Sessions) -> None:
    corpus = generate(1500, seed=11)
    assert any("ي" in t or "ك" in t for t in corpus.texts), "the corpus has Arabic-keyboard variants"
    assert any(c in "٠١٢٣٤٥٦٧٨٩" for t in corpus.texts for c in t), "... Arabic-Indic digits"
    assert any(c in "0123456789" for t in corpus.texts for c in t), "... and Latin digits"
    async with transaction(sessions) as session:
        ids = await _record(session, corpus.texts)
    report = await _integrate(sessions)
    async with transaction(sessions) as session:
        problem_of = await _problem_of(session)
    precision, recall = pair_precision_recall(corpus.groups, [problem_of[i] for i in ids])
    print(f"integration of {len(ids)} statements: precision {precision:.3f}, recall {recall:.3f}, "
          f"{report.problems} problems for {len(set(corpus.groups))} true groups")
    assert precision >= 0.9 and recall >= 0.9


async def test_keyboard_and_digit_variants_are_one_problem_with_a_central_title(sqlite_sessions: Sessions) -> None:
    async with transaction(sqlite_sessions) as session:
        ids = await _record(session, [TRAFFIC_ARABIC_KEYBOARD, TRAFFIC, LIGHTS, TRAFFIC_LATIN_DIGITS, WASTE,
                                       TRAFFIC_PLEASE])
    report = await _integrate(sqlite_sessions)
    assert (report.findings, report.problems, report.created) == (6, 3, 3)
    async with transaction(sqlite_sessions) as session:
        problem_of = await _problem_of(session)
        traffic = await session.get(Problem, problem_of[ids[0]])
        similarity = (await session.scalars(select(ProblemFinding.similarity).where(
            ProblemFinding.problem_id == traffic.id).order_by(ProblemFinding.finding_id))).all()
    assert problem_of[ids[0]] == problem_of[ids[1]] == problem_of[ids[3]] == problem_of[ids[5]] != problem_of[ids[2]]
    assert traffic.title == "ترافیک سنگین در بلوار وکیل‌آباد در ساعات اوج صبح باعث می‌شود مردم 45 دقیقه معطل شوند"
    assert traffic.status == "proposed" and traffic.axis == "transport"
    assert similarity[:3] == [1.0, 1.0, 1.0] and 0.7 <= similarity[3] < 1.0  # the same once folded; reworded


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
        confirmed = (await session.scalars(select(ProblemFinding.confirmed).where(
            ProblemFinding.problem_id == merged_id))).all()
        listed = await problems.summaries(session)
    assert report.moved == 0 and report.problems == 2
    assert problem_of[ids[0]] == problem_of[ids[1]] == problem_of[ids[2]] == merged_id != problem_of[ids[3]]
    assert confirmed == [True, True, True]
    assert [(p.id, p.findings, p.status) for p in listed] == [(merged_id, 3, "confirmed"),
                                                              (problem_of[ids[3]], 1, "proposed")]


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
