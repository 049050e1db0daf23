"""What a body's next agenda holds: its top waiting problems by current priority, each explained."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.models import Problem
from backend.models.findings import RETIRED
from backend.plan import Plan
from backend.voting import service as voting
from backend.voting.service import AgendaEntry


async def next_entries(session: AsyncSession, plan: Plan, body_code: str) -> list[AgendaEntry]:
    """The body's top waiting problems by current priority, each with its explanation snapshot."""
    body = voting.body_of(plan, body_code)
    live = list((await session.scalars(select(Problem.id).where(Problem.status != RETIRED))).all())
    if not await voting.waiting(session, plan, body.code, live):
        return []  # nothing waits: no ranking to compute (nor pandas to load in the bot's weekly job)
    from backend.prioritize.priorities import explain, prioritize  # pandas and scikit-learn: only when needed

    priorities = await prioritize(session, plan)
    ranked = [int(p) for p in priorities.ranked.index]
    ids = [p for p in await voting.waiting(session, plan, body.code, ranked) if p in set(ranked)]
    ids = ids[: body.agenda_size]
    reasons = await voting.returned_reasons(session, ids)
    return [
        AgendaEntry(e.problem_id, e.score, {**e.to_dict(), "returned_reasons": reasons.get(e.problem_id, [])})
        for e in await explain(session, priorities, ids)
    ]
