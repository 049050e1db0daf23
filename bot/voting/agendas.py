"""Opening a body's next agenda: the problems waiting there, ranked and explained, then pushed."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from backend.models import Agenda
from backend.voting import service as voting
from backend.voting.service import AgendaEntry
from backend.context import AppContext
from bot.voting.push import push_agenda


async def next_entries(session: AsyncSession, app: AppContext, body_code: str) -> list[AgendaEntry]:
    """The body's top waiting problems by current priority, each with its explanation snapshot."""
    from backend.prioritize.priorities import explain, prioritize  # pandas and scikit-learn: only when needed

    body = voting.body_of(app.plan, body_code)
    priorities = await prioritize(session, app.plan)
    ranked = [int(p) for p in priorities.ranked.index]
    ids = [p for p in await voting.waiting(session, app.plan, body.code, ranked) if p in set(ranked)]
    ids = ids[: body.agenda_size]
    reasons = await voting.returned_reasons(session, ids)
    return [AgendaEntry(e.problem_id, e.score, {**e.to_dict(), "returned_reasons": reasons.get(e.problem_id, [])})
            for e in await explain(session, priorities, ids)]


async def open_next_agenda(session: AsyncSession, app: AppContext, body_code: str,
                           now: datetime | None = None) -> Agenda | None:
    """Open the body's next agenda and push it to its members; None if nothing waits or one is open."""
    if await voting.open_agenda_of(session, body_code) is not None:
        return None
    entries = await next_entries(session, app, body_code)
    if not entries:
        return None
    agenda = await voting.open_agenda(session, app.plan, body_code, entries, now=now)
    await push_agenda(session, app, agenda)
    return agenda
