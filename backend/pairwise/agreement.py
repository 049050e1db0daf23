"""The citizens' order of the problems by district and axis beside the committee's, and how far
they agree (Kendall's tau): for the weekly digest and the console."""

from __future__ import annotations

from datetime import datetime

import pandas as pd
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.context import AppContext
from backend.models import PairAnswer
from backend.pairwise.model import tau
from backend.pairwise.scopes import CITY, strengths_now
from backend.plan import Plan
from backend.prioritize.priorities import prioritize

SHOWN = 3  # problems named per row
COLUMNS = ["district", "axis", "problems", "answers", "citizens_top", "committee_top", "tau"]


async def citizens_order(session: AsyncSession, plan: Plan, until: datetime | None = None) -> pd.DataFrame:
    """One row per district citizens answered for (``CITY``, the empty string, first: every answer)
    and axis: ``problems`` (compared by citizens), ``answers`` (counted answers of the district),
    ``citizens_top`` and ``committee_top`` (the first ``SHOWN`` titles in each order) and ``tau``
    (Kendall's tau between citizens' strengths and the committee's scores; NaN when undefined).
    With ``until``, only answers given before it count."""
    committee = (await prioritize(session, plan, until=until)).ranked.score
    query = select(PairAnswer.district).distinct()
    if until is not None:
        query = query.where(PairAnswer.answered_at < until)
    districts = sorted((await session.scalars(query)).all())
    rows = []
    for district in [CITY, *districts]:
        ranked = await strengths_now(session, district, until)
        compared = ranked[ranked.comparisons > 0]
        compared = compared.assign(score=committee.reindex(compared.index))
        answers = int(round(compared.comparisons.sum() / 2))
        for axis, group in compared.groupby(compared.axis.fillna(""), sort=True):
            by_committee = group.sort_values(["score", "strength"], ascending=False, kind="stable")
            rows.append(
                {
                    "district": district,
                    "axis": axis or None,
                    "problems": len(group),
                    "answers": answers,
                    "citizens_top": group.title.head(SHOWN).tolist(),
                    "committee_top": by_committee.title.head(SHOWN).tolist(),
                    "tau": tau(group.strength.to_numpy(), group.score.fillna(0.0).to_numpy()),
                }
            )
    return pd.DataFrame(rows, columns=COLUMNS)


async def citizens_order_now(app: AppContext) -> pd.DataFrame:
    """The use case behind the console's page: ``citizens_order`` as it stands now."""
    async with app.sessions() as session:
        return await citizens_order(session, app.plan)
