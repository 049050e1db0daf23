"""What became of what people said: each contribution (a finding) and its stage.

A person's contributions are the findings they gave (a survey answer, an NGO's note in its forum)
and, for a facilitator, the findings of the meetings they logged. A problem finding stands where its
problem stands (``received`` until integration puts it in one); a strategy, policy or project stands
where its own lifecycle does.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import String, Subquery, and_, cast, select, union
from sqlalchemy.ext.asyncio import AsyncSession

from backend.context import AppContext
from backend.lifecycle import stages
from backend.lifecycle.stages import Stage
from backend.models import Finding, Meeting, Note, Participant, ProblemFinding, Role

PROBLEM_KIND = "problem"
NGO = "ngo"  # the role of an NGO seated in a forum (its scope: the forum's meeting id)
INTEGRATED = Stage("integrated")  # a problem from before stages were recorded


@dataclass(frozen=True)
class Contribution:
    """One finding a person gave or logged, where it stands, and the subject whose page shows it."""

    finding_id: int
    kind: str
    text: str
    received_at: datetime
    subject: str  # the finding's kind: a problem finding's subject is its problem, an action is its own
    subject_id: int | None  # the problem (or the action's own finding); None while only received
    stage: Stage


def _given() -> Subquery:
    """(participant, finding) pairs: the author, the NGO whose note it was, the facilitator, the forum's NGOs."""
    own = select(Finding.participant_id.label("participant_id"), Finding.id.label("finding_id")).where(
        Finding.participant_id.is_not(None)
    )
    noted = select(Note.participant_id, Finding.id).join(Note, Note.id == Finding.note_id)
    logged = select(Meeting.facilitator_id, Finding.id).join(Meeting, Meeting.id == Finding.meeting_id)
    seated = select(Role.participant_id, Finding.id).join(  # an NGO: every finding of its forum
        Role, and_(Role.role == NGO, Role.scope == cast(Finding.meeting_id, String))
    )
    return union(
        own,
        noted.where(Note.participant_id.is_not(None)),
        logged.where(Meeting.facilitator_id.is_not(None)),
        seated.where(Finding.meeting_id.is_not(None)),
    ).subquery()


async def pairs(session: AsyncSession, participant_id: int | None = None) -> list[tuple[int, int]]:
    """Every (participant, finding) pair of contributions, or one participant's."""
    given = _given()
    query = select(given.c.participant_id, given.c.finding_id)
    if participant_id is not None:
        query = query.where(given.c.participant_id == participant_id)
    return [(p, f) for p, f in (await session.execute(query)).all()]


async def contributions(session: AsyncSession, finding_ids: Sequence[int]) -> dict[int, Contribution]:
    """The findings' contributions with their stages, by finding id."""
    found: dict[int, Contribution] = {}
    problems: dict[int, int] = {}
    for start in range(0, len(finding_ids), 5_000):
        chunk = finding_ids[start : start + 5_000]
        rows = await session.execute(
            select(Finding.id, Finding.kind, Finding.text, Finding.created_at, ProblemFinding.problem_id)
            .outerjoin(ProblemFinding, ProblemFinding.finding_id == Finding.id)
            .where(Finding.id.in_(chunk), Finding.deleted_at.is_(None))
        )
        for finding_id, kind, text, at, problem_id in rows.all():
            found[finding_id] = Contribution(finding_id, kind, text, at, kind, None, Stage(stages.RECEIVED, at))
            if problem_id is not None:
                problems[finding_id] = problem_id
    problem_stages = await stages.latest(session, sorted(set(problems.values())))
    actions = [f for f, c in found.items() if c.kind != PROBLEM_KIND]
    action_stages: dict[int, Stage] = {}
    for kind in {found[f].kind for f in actions}:
        action_stages |= await stages.latest(session, [f for f in actions if found[f].kind == kind], kind)
    for finding_id, item in found.items():  # modifying values only: the keys stay
        if item.kind != PROBLEM_KIND:
            found[finding_id] = replace(item, subject_id=finding_id, stage=action_stages.get(finding_id, item.stage))
        elif finding_id in problems:
            problem = problems[finding_id]
            found[finding_id] = replace(item, subject_id=problem, stage=problem_stages.get(problem, INTEGRATED))
    return found


async def mine(session: AsyncSession, messenger_id: int) -> list[Contribution] | None:
    """/mine: everything the account's participant said, newest first; None for no participant."""
    participant = await session.scalar(select(Participant).where(Participant.telegram_id == messenger_id))
    if participant is None:
        return None
    ids = sorted({f for _, f in await pairs(session, participant.id)})
    found = await contributions(session, ids)
    return sorted(found.values(), key=lambda c: (c.received_at, c.finding_id), reverse=True)


async def of_account(app: AppContext, messenger_id: int) -> list[Contribution] | None:
    """/mine as a use case (read only)."""
    async with app.sessions() as session:
        return await mine(session, messenger_id)
