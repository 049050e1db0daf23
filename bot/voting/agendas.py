"""Opening a body's next agenda (``backend.voting.agendas``) and pushing it to its members."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from backend.context import AppContext
from backend.models import Agenda
from backend.voting import service as voting
from backend.voting.agendas import next_entries
from bot.voting.push import push_agenda


async def open_next_agenda(
    session: AsyncSession, app: AppContext, body_code: str, now: datetime | None = None
) -> Agenda | None:
    """Open the body's next agenda and push it to its members; None if nothing waits or one is open."""
    if await voting.open_agenda_of(session, body_code) is not None:
        return None
    entries = await next_entries(session, app.plan, body_code)
    if not entries:
        return None
    agenda = await voting.open_agenda(session, app.plan, body_code, entries, now=now)
    await push_agenda(session, app, agenda)
    return agenda
