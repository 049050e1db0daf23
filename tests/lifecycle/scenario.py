"""A small process to follow: three problems raised by citizens, a meeting and imports, integrated,
put on the first body's agenda, voted and decided (shared by the lifecycle and public-results tests)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from backend.context import AppContext
from backend.integration import problems
from backend.models import Finding, Meeting, Participant, Role, utcnow
from backend.services.findings import record_finding
from backend.voting import service as voting
from backend.voting.agendas import next_entries

TRAFFIC = "ترافیک سنگین در بلوار وکیل‌آباد هر روز صبح"
GREEN = "کمبود فضای سبز در حاشیه شهر"
WASTE = "جمع‌آوری نامنظم زباله در محلات"
ELITE = "نبود سازوکار شفاف برای بودجه‌ریزی مشارکتی"
TEXTS = (TRAFFIC, GREEN, WASTE, ELITE)
BODY = "drafting_committee"


@dataclass
class People:
    """Participant ids of the scenario's people by role."""

    citizen: int
    muted: int
    forgotten: int
    facilitator: int
    members: list[int]


FIRST_ID = 880_001  # participant ids no figure on a page could be (the privacy scan looks for them)
CHAT = 600_700_000  # messenger ids: CHAT + the participant's number
PSEUDONYM = "pseud-{}-3f9c2a"


async def _person(session, n: int, **values: object) -> Participant:  # type: ignore[no-untyped-def]
    person = Participant(
        id=FIRST_ID + n,
        pseudonym=PSEUDONYM.format(n),
        **{"telegram_id": CHAT + n, "stakeholder_group": "citizens", **values},
    )
    session.add(person)
    await session.flush()
    return person


async def build(app: AppContext, *, reject_reason: str | None = None) -> People:
    """Findings from citizens, a meeting and imports; integrated; the first body's agenda decided."""
    async with app.sessions() as session, session.begin():
        citizen = await _person(session, 1, district="d01")
        muted = await _person(session, 2, district="d01", muted_at=utcnow())
        forgotten = await _person(session, 3, telegram_id=None, forgotten_at=utcnow())
        facilitator = await _person(session, 4, stakeholder_group="municipality_staff")
        elite = await _person(session, 5, stakeholder_group="elites")
        ngo = await _person(session, 6, stakeholder_group="civil_society")
        members = [await _person(session, 10 + i) for i in range(3)]
        for m in members:
            session.add(Role(participant_id=m.id, role="member", scope=BODY))
        meeting = Meeting(
            source="neighborhood_council",
            working_group="d01:transport",
            held_on=date(2026, 12, 1),
            facilitator_id=facilitator.id,
            status="closed",
        )
        session.add(meeting)
        await session.flush()
        session.add(Role(participant_id=ngo.id, role="ngo", scope=str(meeting.id)))  # seated in it, as in a forum
        said = [
            (TRAFFIC, "citizen_poll", citizen.id, None),
            (TRAFFIC, "citizen_poll", muted.id, None),
            (TRAFFIC, "citizen_poll", forgotten.id, None),
            (TRAFFIC, "neighborhood_council", None, meeting.id),
            (GREEN, "citizen_poll", citizen.id, None),
            (WASTE, "agency_interview", None, None),
        ]
        for text, source, participant, meeting_id in said:
            await record_finding(
                session,
                kind="problem",
                text=text,
                source=source,
                axis="transport",
                district="d01",
                stakeholder_group="citizens",
                severity=4,
                participant_id=participant,
                meeting_id=meeting_id,
            )
        await record_finding(  # the only elite of district 2: a cell of one person, suppressed
            session,
            kind="problem",
            text=ELITE,
            source="elite_interview",
            axis="governance",
            district="d02",
            stakeholder_group="elites",
            severity=3,
            participant_id=elite.id,
        )
        await problems.integrate(session)
    async with app.sessions() as session, session.begin():
        entries = await next_entries(session, app.plan, BODY)
        agenda = await voting.open_agenda(session, app.plan, BODY, entries)
        await session.refresh(agenda, ["items"])
        for member_id in [m.id for m in members]:
            member = await session.get(Participant, member_id)
            assert member is not None
            for item in agenda.items:
                choice = "reject" if reject_reason and item.rank == len(agenda.items) else "approve"
                await voting.cast(
                    session,
                    app.plan,
                    item_id=item.id,
                    participant=member,
                    choice=choice,
                    reason=reject_reason if choice == "reject" else None,
                )
        await voting.close_due(session, app.plan, now=agenda.deadline + timedelta(seconds=1))
    return People(citizen.id, muted.id, forgotten.id, facilitator.id, [m.id for m in members])


def secrets(people: People) -> list[str]:
    """What must never be public: participant and messenger ids, pseudonyms, the statements."""
    numbers = [FIRST_ID + n for n in (1, 2, 3, 4, 5, 6, 10, 11, 12)]
    return [
        *(str(n) for n in numbers),
        *(str(n - FIRST_ID + CHAT) for n in numbers),
        *(PSEUDONYM.format(n - FIRST_ID) for n in numbers),
        *TEXTS,
    ]


async def problem_of(app: AppContext, text: str) -> int:
    """The problem a statement was integrated into."""
    from sqlalchemy import select

    from backend.models import ProblemFinding

    async with app.sessions() as session:
        found = await session.scalar(
            select(ProblemFinding.problem_id)
            .join(Finding, Finding.id == ProblemFinding.finding_id)
            .where(Finding.text == text)
        )
    assert found is not None
    return found
