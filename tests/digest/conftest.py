"""A fixed data set spread over two Jalali weeks (1403-W07 and 1403-W08), for digests whose
numbers are checked against hand-computed values."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from backend.db import transaction
from backend.models import Answer, Decision, Finding, Meeting, Participant, Problem, ProblemFinding, Response, Role
from backend.participants import service as participants
from backend.plan import Plan, load_plan
from backend.services.findings import record_finding
from backend.voting import service as voting
from backend.voting.service import AgendaEntry
from tests.analysis.helpers import answer, register_citizen_survey

Sessions = async_sessionmaker[AsyncSession]
# Tehran is UTC+03:30. Week 1403-W07 is 2024-05-04..10, week 1403-W08 is 2024-05-11..17.
W07 = datetime(2024, 5, 6, 8, 0, tzinfo=UTC)
FRIDAY_NIGHT = datetime(2024, 5, 10, 19, 30, tzinfo=UTC)  # 23:00 Friday in Tehran: still W07
SATURDAY = datetime(2024, 5, 10, 21, 0, tzinfo=UTC)  # 00:30 Saturday in Tehran: W08
W08 = datetime(2024, 5, 13, 8, 0, tzinfo=UTC)
AFTER = datetime(2024, 5, 17, 21, 0, tzinfo=UTC)  # 00:30 Saturday 2024-05-18 in Tehran: W09, after the digest
BUILT = datetime(2024, 5, 17, 15, 0, tzinfo=UTC)  # Friday 18:30 in Tehran, when the digest is built
RANKING = ["حمل‌ونقل و ترافیک", "اقتصاد و مالیه شهری", "خدمات شهری و ایمنی", "اجتماعی و فرهنگی", "حکمرانی و مدیریت شهری"]


async def _backdate(session: AsyncSession, response: Response, at: datetime) -> None:
    """Move a citizen's joining, response, answers and findings to ``at``."""
    await session.execute(update(Participant).where(Participant.id == response.participant_id).values(created_at=at))
    done = at + timedelta(minutes=5) if response.completed_at is not None else None
    await session.execute(update(Response).where(Response.id == response.id).values(started_at=at, completed_at=done))
    await session.execute(update(Answer).where(Answer.response_id == response.id).values(answered_at=at))
    await session.execute(
        update(Finding).where(Finding.participant_id == response.participant_id).values(created_at=done or at)
    )


async def _citizens(session: AsyncSession, plan: Plan) -> None:
    """W08: citizens 1-3 complete the survey, 4 stops halfway; W07: citizen 5 completes it."""
    survey = await register_citizen_survey(session)
    given = [
        (
            1,
            "d01",
            {
                "district": "منطقه ۱",
                "age_band": "۱۸ تا ۲۹ سال",
                "axes_priority": RANKING,
                "rate_transport": "۱",
                "neighbourhood_problem": ["ترافیک سنگین خیابان امام رضا", "transport"],
            },
            W08,
            True,
        ),
        (
            2,
            "d01",
            {
                "district": "d01",
                "age_band": "age_30_44",
                "axes_priority": RANKING,
                "rate_transport": "2",
                "neighbourhood_problem": ["کمبود روشنایی کوچه‌های محله", "services_safety"],
            },
            W08,
            True,
        ),
        (
            3,
            "d05",
            {"district": "منطقه ۵", "age_band": "age_18_29", "axes_priority": RANKING, "rate_transport": "5"},
            W08,
            True,
        ),
        (4, "d05", {"district": "d05", "age_band": "age_45_59"}, W08, False),
        (5, "d05", {"district": "d05", "age_band": "age_30_44", "rate_transport": "4"}, W07, True),
    ]
    for messenger_id, district, replies, at, finish in given:
        response, _ = await answer(
            session, plan, survey, messenger_id, district=district, replies=replies, finish=finish
        )
        await session.refresh(response)
        await _backdate(session, response, at)


async def _findings(session: AsyncSession) -> dict[str, list[Finding]]:
    """Facilitators' findings, by the problem they are about."""
    transport = {"kind": "problem", "axis": "transport", "working_group": "hq.transport"}

    async def found(text: str, source: str, group: str, at: datetime, **origin: object) -> Finding:
        return await record_finding(session, text=text, source=source, stakeholder_group=group, created_at=at, **origin)

    return {
        "traffic": [
            await found("ترافیک میدان شهدا", "elite_interview", "elites", W07, district="d01", severity=4, **transport),
            await found("ترافیک میدان شهدا در ساعت اوج", "council_interview", "city_council", SATURDAY, **transport),
            await found(
                "ترافیک سنگین میدان شهدا", "civil_society_forum", "civil_society", W08, district="d05", **transport
            ),
            await found("ترافیک میدان شهدا شب‌ها", "agency_interview", "executive_agencies", W08, **transport),
        ],
        "lighting": [
            await found(
                "روشنایی بلوار",
                "neighborhood_council",
                "citizens",
                FRIDAY_NIGHT,
                kind="problem",
                axis="services_safety",
                working_group="d01.services_safety",
                district="d01",
                severity=5,
            ),
            await found(
                "روشنایی کم بلوار",
                "neighborhood_council",
                "citizens",
                W07,
                kind="problem",
                axis="services_safety",
                working_group="d01.services_safety",
                district="d01",
            ),
        ],
        "parking": [await found("کمبود پارکینگ", "council_interview", "city_council", W08, **transport)],
        "strategy": [
            await found(
                "خط ویژه اتوبوس",
                "elite_interview",
                "elites",
                SATURDAY,
                kind="strategy",
                axis="transport",
                working_group="hq.transport",
            )
        ],
        "later": [await found("ترافیک میدان شهدا، هفتهٔ بعد", "elite_interview", "elites", AFTER, **transport)],
    }


async def _problems(session: AsyncSession, found: dict[str, list[Finding]]) -> dict[str, int]:
    """Three problems: traffic (1 finding by W07's end, 4 by W08's), lighting (2, 2), parking (new in W08)."""
    ids = {}
    for key, title, axis in (
        ("traffic", "ترافیک میدان شهدا", "transport"),
        ("lighting", "روشنایی بلوار", "services_safety"),
        ("parking", "کمبود پارکینگ", "transport"),
    ):
        problem = Problem(title=title, axis=axis)
        session.add(problem)
        await session.flush()
        members = found[key] + (found["later"] if key == "traffic" else [])
        session.add_all(ProblemFinding(problem_id=problem.id, finding_id=f.id, confirmed=True) for f in members)
        ids[key] = problem.id
    await session.flush()
    return ids


async def _meetings(session: AsyncSession) -> None:
    """W08: an elite interview and an NGO forum; W07: an elite interview; W09: a council interview."""
    for source, held_on in (
        ("elite_interview", date(2024, 5, 12)),
        ("civil_society_forum", date(2024, 5, 17)),
        ("elite_interview", date(2024, 5, 10)),
        ("council_interview", date(2024, 5, 18)),
    ):
        session.add(Meeting(source=source, working_group="hq.transport", held_on=held_on, status="closed"))
    await session.flush()


async def _votes(session: AsyncSession, plan: Plan, problems: dict[str, int]) -> None:
    """The drafting committee (3 members) decides two items in W08: lighting approved, parking
    rejected; the commission (2 members) then has lighting on an agenda past its deadline with one vote."""
    drafting = []
    for messenger_id in (101, 102, 103):
        member = await participants.join(session, b"k", messenger_id, "fa")
        session.add(Role(participant_id=member.id, role="member", scope="drafting_committee"))
        drafting.append(member)
    commission = []
    for messenger_id in (201, 202):
        member = await participants.join(session, b"k", messenger_id, "fa")
        session.add(Role(participant_id=member.id, role="member", scope="strategic_commission"))
        commission.append(member)
    for member in [*drafting, *commission]:  # committee members joined long before
        await session.execute(
            update(Participant).where(Participant.id == member.id).values(created_at=datetime(2024, 1, 1, tzinfo=UTC))
        )
    opened = W08 - timedelta(days=1)
    agenda = await voting.open_agenda(
        session,
        plan,
        "drafting_committee",
        [AgendaEntry(problems["lighting"], 0.5), AgendaEntry(problems["parking"], 0.4)],
        now=opened,
    )
    await session.refresh(agenda, ["items"])
    lighting, parking = agenda.items
    for member in drafting:
        await voting.cast(session, plan, item_id=lighting.id, participant=member, choice="approve", now=opened)
        await voting.cast(
            session, plan, item_id=parking.id, participant=member, choice="reject", reason="تکراری", now=opened
        )
    await voting.close_due(session, plan, now=W08 + timedelta(days=2))
    await session.execute(update(Decision).values(created_at=W08 + timedelta(days=2)))
    second = await voting.open_agenda(
        session, plan, "strategic_commission", [AgendaEntry(problems["lighting"], 0.5)], now=W08 + timedelta(days=2)
    )
    await session.refresh(second, ["items"])
    await voting.cast(
        session,
        plan,
        item_id=second.items[0].id,
        participant=commission[0],
        choice="approve",
        now=W08 + timedelta(days=2),
    )
    second.deadline = W08 + timedelta(days=3)  # past due when the digest is built, not yet closed


async def build_fixture(session: AsyncSession, plan: Plan) -> dict[str, int]:
    """The whole data set; returns the problems' ids by name."""
    await _citizens(session, plan)
    found = await _findings(session)
    problems = await _problems(session, found)
    await _meetings(session)
    await _votes(session, plan, problems)
    return problems


@pytest.fixture(scope="session")
def plan() -> Plan:
    """The bundled Mashhad plan."""
    return load_plan()


@pytest.fixture
async def fixture_data(sessions: Sessions, plan: Plan) -> tuple[Sessions, dict[str, int]]:
    """The fixed data set on SQLite and on PostgreSQL."""
    async with transaction(sessions) as session:
        problems = await build_fixture(session, plan)
    return sessions, problems
