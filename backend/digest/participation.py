"""Participation in a period against the period before it: responses, new participants,
meetings by source, findings by kind and by the plan's dimensions."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.aggregation.findings import count_findings
from backend.aggregation.surveys import COMPLETED
from backend.digest.period import Period
from backend.models import Meeting, Participant, Response
from backend.plan import Plan

FINDING_DIMENSIONS = ("kind", "axis", "working_group", "district", "stakeholder_group")
KINDS = ("problem", "strategy", "policy", "project")
TOTALS = ("responses_completed", "responses_started", "new_participants", "meetings", "findings")
COMPARED = ["current", "previous", "change"]


@dataclass(frozen=True)
class Participation:
    """``totals`` (index: ``TOTALS``), ``meetings`` by source and ``findings`` by each of
    ``FINDING_DIMENSIONS``; every table has the columns ``current``, ``previous``, ``change``."""

    totals: pd.DataFrame
    meetings: pd.DataFrame
    findings: dict[str, pd.DataFrame]


def compare(current: pd.Series, previous: pd.Series, order: Sequence[object] = ()) -> pd.DataFrame:
    """Two counts side by side with their difference: the ``order`` rows first (even when zero),
    then any other row counted in either period, a missing key (None) last."""
    keys = list(order) + sorted((set(current.index) | set(previous.index)) - set(order) - {None}, key=str)
    if None in current.index or None in previous.index:
        keys.append(None)
    now, before = dict(current.items()), dict(previous.items())  # dicts: pandas labels cannot look up None
    table = pd.DataFrame(
        {"current": [now.get(k, 0) for k in keys], "previous": [before.get(k, 0) for k in keys]},
        index=pd.Index(keys, dtype=object),
        dtype="int64",
    )
    table["change"] = table.current - table.previous
    return table


async def _count(session: AsyncSession, column: object, where: Sequence[object]) -> int:
    return int(await session.scalar(select(func.count()).select_from(column).where(*where)) or 0)  # type: ignore[arg-type]


async def _totals(session: AsyncSession, period: Period) -> pd.Series:
    start, end = period.start, period.end
    completed = await _count(
        session, Response, [Response.status == COMPLETED, Response.completed_at >= start, Response.completed_at < end]
    )
    started = await _count(session, Response, [Response.started_at >= start, Response.started_at < end])
    joined = await _count(session, Participant, [Participant.created_at >= start, Participant.created_at < end])
    meetings = await _count(session, Meeting, [Meeting.held_on >= period.first, Meeting.held_on <= period.last])
    findings = int((await count_findings(session, ["kind"], since=start, until=end)).findings.sum())
    return pd.Series([completed, started, joined, meetings, findings], index=list(TOTALS))


async def _meetings(session: AsyncSession, period: Period) -> pd.Series:
    rows = (
        await session.execute(
            select(Meeting.source, func.count())
            .where(Meeting.held_on >= period.first, Meeting.held_on <= period.last)
            .group_by(Meeting.source)
        )
    ).all()
    return pd.Series(dict(rows), dtype="int64")


async def _findings(session: AsyncSession, period: Period, dimension: str) -> pd.Series:
    frame = await count_findings(session, [dimension], since=period.start, until=period.end)
    return pd.Series(frame.findings.to_numpy(), index=pd.Index(frame[dimension].tolist(), dtype=object), dtype="int64")


def _plan_order(plan: Plan, dimension: str) -> list[str]:
    """Rows always shown for a dimension (working groups: only those with findings)."""
    return {
        "kind": list(KINDS),
        "axis": [a.code for a in plan.axes],
        "district": [d.code for d in plan.districts],
        "stakeholder_group": [g.code for g in plan.stakeholder_groups],
    }.get(dimension, [])


async def participation(session: AsyncSession, plan: Plan, period: Period) -> Participation:
    """Participation in ``period`` compared with the period before it."""
    before = period.previous()
    totals = compare(await _totals(session, period), await _totals(session, before), TOTALS)
    meetings = compare(
        await _meetings(session, period), await _meetings(session, before), [s.code for s in plan.sources]
    )
    findings = {
        d: compare(await _findings(session, period, d), await _findings(session, before, d), _plan_order(plan, d))
        for d in FINDING_DIMENSIONS
    }
    return Participation(totals, meetings, findings)
