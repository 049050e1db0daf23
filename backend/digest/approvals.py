"""Where items stand on the approval chain: waiting at each body, on its open agenda, decided in
the period, and votes overdue."""

from __future__ import annotations

from datetime import datetime

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.digest.period import Period
from backend.models import Agenda, AgendaItem, Decision, Vote
from backend.plan import Plan
from backend.voting import service as voting
from backend.voting.rules import Outcome

COLUMNS = ["waiting", "on_agenda", *[o.value for o in Outcome], "overdue_votes"]


async def _decided(session: AsyncSession, period: Period) -> pd.DataFrame:
    rows = (
        await session.execute(
            select(Agenda.body, Decision.outcome, func.count())
            .select_from(Decision)
            .join(AgendaItem, AgendaItem.id == Decision.agenda_item_id)
            .join(Agenda, Agenda.id == AgendaItem.agenda_id)
            .where(Decision.created_at >= period.start, Decision.created_at < period.end)
            .group_by(Agenda.body, Decision.outcome)
        )
    ).all()
    return pd.DataFrame(rows, columns=["body", "outcome", "n"]).pivot_table(
        index="body", columns="outcome", values="n", aggfunc="sum"
    )


async def _overdue_votes(session: AsyncSession, agenda: Agenda, members: int, now: datetime) -> int:
    """Votes still missing on an agenda past its first deadline (extended, or due and not yet closed)."""
    if not agenda.extended and agenda.deadline > now:
        return 0
    cast = (
        await session.scalar(
            select(func.count()).select_from(Vote).join(AgendaItem).where(AgendaItem.agenda_id == agenda.id)
        )
        or 0
    )
    return members * len(agenda.items) - cast


async def approvals(
    session: AsyncSession, plan: Plan, period: Period, ranked: list[int], now: datetime
) -> pd.DataFrame:
    """One row per approval body (chain order, code as index): items ``waiting`` now (``ranked``:
    the problem ids in ranking order, for the first body), ``on_agenda`` (its open agenda), items
    approved, rejected and without quorum in ``period``, and ``overdue_votes`` at ``now``."""
    decided = await _decided(session, period)
    rows = []
    for body in plan.bodies:
        agenda = await voting.open_agenda_of(session, body.code)
        on_agenda = overdue = 0
        if agenda is not None:
            await session.refresh(agenda, ["items"])
            on_agenda = len(agenda.items)
            overdue = await _overdue_votes(session, agenda, len(await voting.members(session, body.code)), now)
        outcomes = [
            int(decided.at[body.code, o.value])
            if body.code in decided.index and o.value in decided.columns and pd.notna(decided.at[body.code, o.value])
            else 0
            for o in Outcome
        ]
        rows.append([len(await voting.waiting(session, plan, body.code, ranked)), on_agenda, *outcomes, overdue])
    return pd.DataFrame(rows, index=pd.Index([b.code for b in plan.bodies], name="body"), columns=COLUMNS)
