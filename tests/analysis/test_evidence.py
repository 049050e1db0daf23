"""Every problem shows its evidence: findings by source, stakeholder group, working group and
district, each linked to its meeting, survey answer or import row."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from backend.db import transaction
from backend.integration import problems
from backend.integration.evidence import Origin, evidence
from backend.models import ImportBatch, ImportRow, Meeting, ProblemFinding
from backend.plan import Plan
from backend.services.findings import record_finding
from tests.analysis.helpers import answer, register_citizen_survey

Sessions = async_sessionmaker[AsyncSession]
WATER = "قطعی مکرر آب در تابستان در محله گلشهر"


async def test_evidence_by_origin_and_dimension(sessions: Sessions, plan: Plan) -> None:
    async with transaction(sessions) as session:
        survey = await register_citizen_survey(session)
        response, made = await answer(
            session,
            plan,
            survey,
            7,
            district="d05",
            replies={
                "district": "d05",
                "age_band": "age_30_44",
                "axes_priority": ["transport", "economy", "governance", "social_cultural", "services_safety"],
                "neighbourhood_problem": [WATER, "services_safety"],
            },
        )
        meeting = Meeting(
            source="neighborhood_council",
            working_group="d05.services_safety",
            axes=["services_safety"],
            held_on=date(2024, 6, 1),
            district="d05",
        )
        batch = ImportBatch(kind="137", file_name="137-khordad.csv", file_sha256="a" * 64, row_count=12)
        session.add_all([meeting, batch])
        await session.flush()
        row = ImportRow(batch_id=batch.id, row_number=12, fingerprint="b" * 64, data={"متن": WATER})
        session.add(row)
        await session.flush()
        spoken = await record_finding(
            session,
            kind="problem",
            text=WATER + "!",
            source="neighborhood_council",
            stakeholder_group="citizens",
            working_group="d05.services_safety",
            district="d05",
            severity=4,
            meeting_id=meeting.id,
        )
        imported = await record_finding(
            session, kind="problem", text=WATER, source="citizen_poll", import_row_id=row.id
        )
        await problems.integrate(session)
        problem_id = await session.scalar(
            select(ProblemFinding.problem_id).where(ProblemFinding.finding_id == spoken.id)
        )
        found = await evidence(session, await problems.get(session, problem_id), limit=2)
    assert found.total == 3 and len(found.findings) == 2
    assert found.counts == {
        "source": {"citizen_poll": 2, "neighborhood_council": 1},
        "stakeholder_group": {"citizens": 2, None: 1},
        "working_group": {None: 2, "d05.services_safety": 1},
        "district": {"d05": 2, None: 1},
    }
    origins = {item.finding_id: item.origin for item in found.findings}
    assert origins == {
        made[0].id: Origin("survey_answer", made[0].answer_id, f"survey mashhad_citizen, response {response.id}"),
        spoken.id: Origin("meeting", meeting.id, "held 2024-06-01"),
    }
    async with transaction(sessions) as session:
        everything = await evidence(session, await problems.get(session, problem_id))
    assert {item.finding_id: item.origin for item in everything.findings}[imported.id] == Origin(
        "import_row", row.id, "137-khordad.csv, row 12"
    )
    assert all(item.similarity == 1.0 for item in everything.findings)
