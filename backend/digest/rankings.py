"""The top problems of a period: score, rank, the move since the period before, and how stable
the rank is under varied weights."""

from __future__ import annotations

import pandas as pd
from sqlalchemy.ext.asyncio import AsyncSession

from backend.digest.period import Period
from backend.plan import Plan
from backend.prioritize.priorities import prioritize

TOP = 10
UP, DOWN, SAME, NEW = "up", "down", "same", "new"


def movement(rank: int, previous: int | None) -> str:
    """How a problem moved: new (not ranked before), up, down or same."""
    if previous is None:
        return NEW
    return UP if rank < previous else DOWN if rank > previous else SAME


async def top_problems(session: AsyncSession, plan: Plan, period: Period, top: int = TOP) -> pd.DataFrame:
    """The ``top`` problems as ranked at the end of ``period`` (index ``id``): ``title``,
    ``axis``, ``mentions``, ``score``, ``rank``, ``previous_rank`` (at the end of the period
    before; <NA> if not ranked then), ``move`` (up, down, same, new) and ``stability`` (the share
    of weight draws keeping it in the top ``top``)."""
    now = await prioritize(session, plan, until=period.end)
    before = await prioritize(session, plan, until=period.start)
    ranked = now.ranked.head(top)
    previous = before.ranked["rank"].reindex(ranked.index).astype("Int64")
    table = ranked[["title", "axis", "mentions", "score", "rank"]].assign(previous_rank=previous)
    pairs = zip(table["rank"], previous, strict=True)
    table["move"] = [movement(int(r), None if pd.isna(p) else int(p)) for r, p in pairs]
    table["stability"] = now.stability(top).reindex(ranked.index)
    return table
