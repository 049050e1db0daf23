"""Aggregation on a fixed fixture equals hand-computed values, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from backend.aggregation.coverage import coverage
from backend.aggregation.findings import count_findings
from backend.aggregation.labels import with_names
from backend.aggregation.surveys import survey_results
from backend.db import transaction
from backend.errors import MeydanError
from backend.plan import Plan
from backend.services.findings import record_finding
from tests.analysis.helpers import answer, register_citizen_survey

Sessions = async_sessionmaker[AsyncSession]
FRIDAY_NIGHT = datetime(2024, 5, 10, 19, 30, tzinfo=UTC)  # 23:00 Friday in Tehran: week 1403-W07
SATURDAY = datetime(2024, 5, 10, 21, 0, tzinfo=UTC)  # 00:30 Saturday in Tehran: week 1403-W08
RANKING = [
    "حمل‌ونقل و ترافیک",
    "اقتصاد و مالیه شهری",
    "خدمات شهری و ایمنی",
    "اجتماعی و فرهنگی",
    "حکمرانی و مدیریت شهری",
]  # five picks; the sixth place follows


async def _build(session: AsyncSession, plan: Plan) -> None:
    """Four citizens (three completed) and four facilitator findings in two Jalali weeks."""
    survey = await register_citizen_survey(session)
    await answer(
        session,
        plan,
        survey,
        1,
        district="d01",
        replies={
            "district": "منطقه ۱",
            "age_band": "۱۸ تا ۲۹ سال",
            "axes_priority": RANKING,
            "rate_transport": "۱",
            "rate_economy": "4",
            "neighbourhood_problem": ["ترافیک سنگین خیابان امام رضا", "transport"],
        },
    )
    await answer(
        session,
        plan,
        survey,
        2,
        district="d01",
        replies={
            "district": "d01",
            "age_band": "age_30_44",
            "axes_priority": [RANKING[1], RANKING[0], *RANKING[2:]],
            "rate_transport": "2",
            "neighbourhood_problem": ["کمبود روشنایی کوچه‌های محله", "services_safety"],
        },
    )
    await answer(
        session,
        plan,
        survey,
        3,
        district="d05",
        replies={
            "district": "منطقه ۵",
            "age_band": "age_18_29",
            "axes_priority": RANKING,
            "rate_transport": "5",
            "rate_economy": "٣",
            "neighbourhood_problem": ["ترافیک خیابان امام رضا", "transport"],
        },
    )
    await answer(
        session, plan, survey, 4, district="d05", replies={"district": "d05", "age_band": "age_45_59"}, finish=False
    )
    common = {"kind": "problem", "axis": "transport", "working_group": "hq.transport"}
    await record_finding(
        session,
        text="ترافیک میدان شهدا",
        source="elite_interview",
        stakeholder_group="elites",
        district="d01",
        severity=4,
        created_at=FRIDAY_NIGHT,
        **common,
    )
    await record_finding(
        session,
        text="کمبود پارکینگ",
        source="council_interview",
        stakeholder_group="city_council",
        created_at=SATURDAY,
        **common,
    )
    await record_finding(
        session,
        kind="strategy",
        text="خط ویژه اتوبوس",
        source="elite_interview",
        stakeholder_group="elites",
        axis="transport",
        working_group="hq.transport",
        created_at=SATURDAY,
    )
    await record_finding(
        session,
        kind="problem",
        text="روشنایی بلوار",
        source="neighborhood_council",
        stakeholder_group="citizens",
        axis="services_safety",
        working_group="d01.services_safety",
        district="d01",
        severity=5,
        created_at=FRIDAY_NIGHT,
    )


@pytest.fixture
async def built(sessions: Sessions, plan: Plan) -> Sessions:
    async with transaction(sessions) as session:
        await _build(session, plan)
    return sessions


async def test_findings_by_axis_and_working_group(built: Sessions) -> None:
    async with transaction(built) as session:
        frame = await count_findings(session, ["axis", "working_group"])
    assert frame.to_dict("records") == [
        {"axis": "services_safety", "working_group": "d01.services_safety", "findings": 1, "share": 1 / 7},
        {"axis": "services_safety", "working_group": None, "findings": 1, "share": 1 / 7},
        {"axis": "transport", "working_group": "hq.transport", "findings": 3, "share": 3 / 7},
        {"axis": "transport", "working_group": None, "findings": 2, "share": 2 / 7},
    ]


async def test_findings_by_source_group_district_and_jalali_week(built: Sessions) -> None:
    async with transaction(built) as session:
        frame = await count_findings(session, ["week", "source", "district"], kind="problem")
        groups = await count_findings(session, ["stakeholder_group"])
    weeks = frame[frame.source != "citizen_poll"]
    assert weeks.drop(columns="share").to_dict("records") == [
        {"week": "1403-W07", "source": "elite_interview", "district": "d01", "findings": 1},
        {"week": "1403-W07", "source": "neighborhood_council", "district": "d01", "findings": 1},
        {"week": "1403-W08", "source": "council_interview", "district": None, "findings": 1},
    ]
    assert frame.findings.sum() == 6 and frame.share.sum() == pytest.approx(1.0)
    assert dict(zip(groups.stakeholder_group, groups.findings, strict=True)) == {
        "citizens": 4,
        "city_council": 1,
        "elites": 2,
    }


async def test_survey_results_by_district(built: Sessions) -> None:
    async with transaction(built) as session:
        results = await survey_results(session, "mashhad_citizen", segments=["district"])
    assert results.completion.to_dict("records") == [
        {"district": "d01", "started": 2, "completed": 2, "completion_rate": 1.0},
        {"district": "d05", "started": 2, "completed": 1, "completion_rate": 0.5},
    ]
    economy = results.questions[results.questions.question == "rate_economy"]
    assert economy.drop(columns=["question", "type"]).to_dict("records") == [
        {"district": "d01", "completed": 2, "answered": 1, "skipped": 1, "response_rate": 0.5},
        {"district": "d05", "completed": 1, "answered": 1, "skipped": 0, "response_rate": 1.0},
    ]
    transport = results.values[results.values.question == "rate_transport"]
    assert transport[["value", "district", "count", "share"]].to_dict("records") == [
        {"value": 1, "district": "d01", "count": 1, "share": 0.5},
        {"value": 2, "district": "d01", "count": 1, "share": 0.5},
        {"value": 5, "district": "d05", "count": 1, "share": 1.0},
    ]


async def test_survey_results_by_age_band_with_rankings(built: Sessions) -> None:
    async with transaction(built) as session:
        results = await survey_results(session, "mashhad_citizen", segments=["age_band"])
        overall = await survey_results(session, "mashhad_citizen")
    assert results.completion.to_dict("records") == [
        {"age_band": "age_18_29", "started": 2, "completed": 2, "completion_rate": 1.0},
        {"age_band": "age_30_44", "started": 1, "completed": 1, "completion_rate": 1.0},
        {"age_band": "age_45_59", "started": 1, "completed": 0, "completion_rate": 0.0},
    ]
    first = overall.values[overall.values.question == "axes_priority"]
    assert first[["value", "count", "share", "mean_position"]].head(3).to_dict("records") == [
        {"value": "transport", "count": 2, "share": 2 / 3, "mean_position": 4 / 3},
        {"value": "economy", "count": 1, "share": 1 / 3, "mean_position": 5 / 3},
        {"value": "services_safety", "count": 0, "share": 0.0, "mean_position": 3.0},
    ]
    assert overall.completion.to_dict("records") == [{"started": 4, "completed": 3, "completion_rate": 0.75}]
    problem = overall.questions.set_index("question").loc["neighbourhood_problem"]
    assert (problem.answered, problem.response_rate) == (3, 1.0)
    assert "neighbourhood_problem" not in set(overall.values.question)


async def test_coverage_matrix(built: Sessions, plan: Plan) -> None:
    async with transaction(built) as session:
        matrix = await coverage(session, plan)
    assert len(matrix) == len(plan.working_groups)
    hq = matrix.loc["hq.transport"]
    assert (hq.elite_interview, hq.council_interview, hq.citizen_poll, hq.used) == (2, 1, 0, 2)
    assert hq.gaps == (
        "neighborhood_council, citizen_poll, upstream_documents, agency_interview, "
        "civil_society_forum, organizational_trends, suggestion_events"
    )
    assert matrix.loc["d01.services_safety"].used == 1 and matrix.loc["d05.transport"].used == 0
    assert int(matrix[[s.code for s in plan.sources]].to_numpy().sum()) == 4
    named = with_names(matrix.head(1), plan, "en")
    assert named.index[0] == "HQ working group: Urban governance and management"


async def test_bad_dimensions_say_what_is_known(sqlite_sessions: Sessions) -> None:
    async with transaction(sqlite_sessions) as session:
        with pytest.raises(MeydanError, match=r"\(unknown colour\); choose from axis, working_group"):
            await count_findings(session, ["axis", "colour"])
        await register_citizen_survey(session)
        with pytest.raises(MeydanError, match="choose from district, stakeholder_group, age_band"):
            await survey_results(session, "mashhad_citizen", segments=["suggestion"])
