"""Prioritization: scores with every part visible, citizen salience, AHP weights, stability,
action rankings and combining members' rankings."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from backend.db import transaction
from backend.errors import MeydanError
from backend.integration import problems
from backend.models import ProblemFinding
from backend.plan import Plan
from backend.plan.model import CRITERIA, Ranking
from backend.prioritize.actions import rank_actions
from backend.prioritize.ballots import borda, schulze
from backend.prioritize.priorities import explain, prioritize
from backend.prioritize.stability import top_k_probability
from backend.prioritize.weights import ahp, criteria_weights
from backend.services.findings import record_finding
from tests.analysis.helpers import answer, register_citizen_survey

Sessions = async_sessionmaker[AsyncSession]
TRAFFIC = "ترافیک سنگین در بلوار وکیل‌آباد در ساعات اوج صبح"
LIGHTS = "کمبود روشنایی معابر در محله طلاب و ناامنی شبانه"
FLOOD = "آب‌گرفتگی کوچه‌ها بعد از هر باران"
BROAD = [
    ("council_interview", "city_council", "d01"),
    ("neighborhood_council", "citizens", "d02"),
    ("elite_interview", "elites", "d03"),
    ("agency_interview", "executive_agencies", "d01"),
    ("civil_society_forum", "civil_society", "d02"),
    ("organizational_trends", "municipality_staff", "d01"),
]


async def _build(session: AsyncSession, plan: Plan) -> dict[str, int]:
    """Traffic raised seven times by seven sources and six groups (a citizen among them); lights
    raised seven times by elites alone; strategies under both; three citizens answering."""
    ids = {}
    for i, (source, group, district) in enumerate(BROAD):
        finding = await record_finding(
            session,
            kind="problem",
            text=TRAFFIC + "!" * i,
            source=source,
            stakeholder_group=group,
            district=district,
            axis="transport",
            working_group="hq.transport",
            severity=3,
        )
        ids.setdefault("traffic", finding.id)
    for i in range(7):
        finding = await record_finding(
            session,
            kind="problem",
            text=LIGHTS + "." * i,
            source="elite_interview",
            stakeholder_group="elites",
            district="d01",
            axis="services_safety",
            working_group="d01.services_safety",
            severity=3,
        )
        ids.setdefault("lights", finding.id)
    for text, parent, source in (
        ("خط ویژه اتوبوس", "traffic", "elite_interview"),
        ("خط ویژه اتوبوس!", "traffic", "council_interview"),
        ("پارکینگ طبقاتی", "traffic", "elite_interview"),
        ("نصب چراغ خورشیدی", "lights", "elite_interview"),
    ):
        await record_finding(session, kind="strategy", text=text, source=source, parent_id=ids[parent])
    survey = await register_citizen_survey(session)
    base = {
        "district": "d01",
        "age_band": "age_30_44",
        "axes_priority": ["transport", "economy", "governance", "social_cultural", "services_safety"],
    }
    await answer(
        session,
        plan,
        survey,
        1,
        district="d01",
        replies={**base, "rate_transport": "1", "neighbourhood_problem": [TRAFFIC, "transport"]},
    )
    await answer(
        session,
        plan,
        survey,
        2,
        district="d01",
        replies={**base, "rate_transport": "2", "neighbourhood_problem": ["صف نانوایی خیلی طولانی است", "economy"]},
    )
    _, made = await answer(
        session,
        plan,
        survey,
        3,
        district="d02",
        replies={**base, "rate_transport": "5", "neighbourhood_problem": [FLOOD, "services_safety"]},
    )
    ids["flood"] = made[0].id
    await problems.integrate(session)
    links = dict((await session.execute(select(ProblemFinding.finding_id, ProblemFinding.problem_id))).all())
    return {name: links[finding] for name, finding in ids.items()}


@pytest.fixture
async def built(sessions: Sessions, plan: Plan) -> tuple[Sessions, dict[str, int]]:
    async with transaction(sessions) as session:
        return sessions, await _build(session, plan)


async def test_broad_problem_outranks_one_raised_as_often_by_one_source(
    built: tuple[Sessions, dict[str, int]], plan: Plan
) -> None:
    sessions, ids = built
    async with transaction(sessions) as session:
        priorities = await prioritize(session, plan)
        traffic, lights = await explain(session, priorities, [ids["traffic"], ids["lights"]])
    assert priorities.ranked.index[:2].tolist() == [ids["traffic"], ids["lights"]]
    assert (traffic.rank, lights.rank) == (1, 2) and traffic.score > lights.score
    by = {
        name: ({p.criterion: p for p in traffic.parts}[name], {p.criterion: p for p in lights.parts}[name])
        for name in CRITERIA
    }
    assert (by["mentions"][0].raw, by["mentions"][1].raw) == (7.0, 7.0)  # as often
    assert (by["source_breadth"][0].raw, by["source_breadth"][1].raw) == (7.0, 1.0)
    assert (by["stakeholder_breadth"][0].raw, by["stakeholder_breadth"][1].raw) == (6.0, 1.0)
    assert by["source_breadth"][0].normalized == pytest.approx(7 / 9)
    assert by["source_breadth"][0].contribution == pytest.approx(7 / 9 * 0.2)
    assert by["severity"][0].raw == by["severity"][1].raw == 3.0
    gaps = {name: ours.contribution - theirs.contribution for name, (ours, theirs) in by.items()}
    assert max(gaps, key=gaps.__getitem__) in ("source_breadth", "stakeholder_breadth")
    assert sum(gaps.values()) == pytest.approx(traffic.score - lights.score)
    assert traffic.score == pytest.approx(sum(p.contribution for p in traffic.parts))
    assert lights.evidence["source"] == {"elite_interview": 7}
    assert traffic.evidence["stakeholder_group"]["citizens"] == 2
    assert json.loads(json.dumps(traffic.to_dict()))["parts"][0]["criterion"] == "mentions"


async def test_citizen_salience_counts_who_raised_or_rated_once(
    built: tuple[Sessions, dict[str, int]], plan: Plan
) -> None:
    sessions, ids = built
    async with transaction(sessions) as session:
        ranked = (await prioritize(session, plan)).ranked
    # traffic: respondent 1 raised it and rated transport 1 (once), respondent 2 rated transport 2
    assert ranked.loc[ids["traffic"], "respondents"] == 2
    assert ranked.loc[ids["traffic"], "citizen_salience"] == pytest.approx(2 / 3)
    assert ranked.loc[ids["lights"], "citizen_salience"] == 0.0
    assert ranked.loc[ids["flood"], "citizen_salience"] == pytest.approx(1 / 3)  # raised, not rated


async def test_rankings_per_axis_and_working_group_and_stability(
    built: tuple[Sessions, dict[str, int]], plan: Plan
) -> None:
    sessions, ids = built
    async with transaction(sessions) as session:
        by_axis = await prioritize(session, plan, axis="services_safety")
        by_group = await prioritize(session, plan, working_group="hq.transport")
        everyone = await prioritize(session, plan)
    assert by_axis.ranked.index.tolist() == [ids["lights"], ids["flood"]]
    assert by_axis.ranked["rank"].tolist() == [1, 2]
    assert by_group.ranked.index.tolist() == [ids["traffic"]]
    solid = everyone.stability(1, draws=200)
    assert solid[ids["traffic"]] == 1.0 and solid[ids["lights"]] == 0.0


async def test_actions_ranked_within_and_across_problems(built: tuple[Sessions, dict[str, int]], plan: Plan) -> None:
    sessions, ids = built
    async with transaction(sessions) as session:
        priorities = await prioritize(session, plan)
        actions = await rank_actions(session, plan, priorities, "strategy")
        with pytest.raises(MeydanError, match="unknown action kind 'wish'"):
            await rank_actions(session, plan, priorities, "wish")
    assert actions[["title", "problem_id", "mentions", "within_rank", "across_rank"]].to_dict("records") == [
        {"title": "خط ویژه اتوبوس", "problem_id": ids["traffic"], "mentions": 2, "within_rank": 1, "across_rank": 1},
        {"title": "پارکینگ طبقاتی", "problem_id": ids["traffic"], "mentions": 1, "within_rank": 2, "across_rank": 2},
        {"title": "نصب چراغ خورشیدی", "problem_id": ids["lights"], "mentions": 1, "within_rank": 1, "across_rank": 3},
    ]


def test_stability_shows_which_ranks_are_solid() -> None:
    normalized = pd.DataFrame(
        [[0.9] * 7, [0.8, 0, 0.4, 0, 0, 0, 0], [0, 0.8, 0, 0.4, 0, 0, 0], [0.0] * 7], columns=list(CRITERIA)
    )
    probability = top_k_probability(normalized, dict.fromkeys(CRITERIA, 1 / 7), 2, draws=1000, spread=0.2)
    assert probability[0] == 1.0 and probability[3] == 0.0
    assert 0.2 < probability[1] < 0.8 and probability[1] + probability[2] == pytest.approx(1.0)
    assert top_k_probability(normalized, dict.fromkeys(CRITERIA, 1 / 7), 4).tolist() == [1.0] * 4


def test_ahp_weights_and_consistency() -> None:
    saaty = ahp([[1, 3, 5], [1 / 3, 1, 3], [1 / 5, 1 / 3, 1]], ["a", "b", "c"])
    assert list(saaty.weights.values()) == pytest.approx([0.637, 0.258, 0.105], abs=0.001)
    assert saaty.consistency_ratio == pytest.approx(0.033, abs=0.002)
    equal = criteria_weights(Ranking(ahp=[[1.0] * 6 for _ in range(6)]))  # without citizen_preference: it weighs 0
    assert list(equal.values()) == pytest.approx([1 / 6] * 6 + [0.0])
    assert list(criteria_weights(Ranking(ahp=[[1.0] * 7 for _ in range(7)])).values()) == pytest.approx([1 / 7] * 7)
    matrix = np.ones((6, 6))
    matrix[0, 1:], matrix[1:, 0] = 9, 1 / 9
    matrix[1, 2], matrix[2, 1] = 1 / 9, 9
    with pytest.raises(MeydanError, match=r"inconsistent: consistency ratio 0\.\d+ is over 0\.10"):
        criteria_weights(Ranking(ahp=matrix.tolist()))
    with pytest.raises(MeydanError, match="positive reciprocal 6x6"):
        criteria_weights(Ranking(ahp=[[2.0] * 6 for _ in range(6)]))
    assert sum(criteria_weights(Ranking(weights={"mentions": 2, "severity": 2})).values()) == pytest.approx(1.0)


def test_schulze_and_borda() -> None:
    wikipedia = (
        [list("ACBED")] * 5
        + [list("ADECB")] * 5
        + [list("BEDAC")] * 8
        + [list("CABED")] * 3
        + [list("CAEBD")] * 7
        + [list("CBADE")] * 2
        + [list("DCEBA")] * 7
        + [list("EBADC")] * 8
    )
    assert schulze(wikipedia) == list("EACBD")
    assert borda([["a", "b", "c"], ["a", "c", "b"], ["b", "a"]]) == [("a", 5.0), ("b", 3.0), ("c", 1.0)]
    assert schulze([[3, 1], [1, 3], [2]]) == [3, 1, 2]
    with pytest.raises(ValueError, match="twice"):
        borda([["a", "a"]])
