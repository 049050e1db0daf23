"""Problems ranked by their multi-criteria score: overall, per axis or per working group, with
the explanation of any item and the stability of the top K."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

import numpy as np
import pandas as pd
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.integration.evidence import counts
from backend.models import WeightVersion
from backend.plan import Plan
from backend.plan.model import CRITERIA
from backend.prioritize.criteria import in_working_group, load_criteria
from backend.prioritize.scoring import Explanation, normalize, parts, rank
from backend.prioritize.stability import DRAWS, SPREAD, top_k_probability
from backend.prioritize.weights import criteria_weights


@dataclass(frozen=True)
class Priorities:
    """Ranked problems (``ranked``: raw criteria, ``score``, ``rank``; best first, index ``id``),
    their normalized criteria in the same order, and the weights used."""

    ranked: pd.DataFrame
    normalized: pd.DataFrame
    weights: dict[str, float]

    def within(self, ids: Collection[int]) -> Priorities:
        """Only the problems ``ids``, ranked among themselves (scores unchanged)."""
        keep = self.ranked.index.isin(list(ids))
        ranked = self.ranked[keep].assign(rank=np.arange(1, int(keep.sum()) + 1))
        return replace(self, ranked=ranked, normalized=self.normalized[keep])

    def stability(self, k: int, *, draws: int = DRAWS, spread: float = SPREAD, seed: int = 0) -> pd.Series:
        """Per problem, the share of weight draws (each weight varied by ``spread``) keeping it in the top ``k``."""
        return top_k_probability(self.normalized, self.weights, k, draws=draws, spread=spread, seed=seed)


async def current_weights(session: AsyncSession, plan: Plan, until: datetime | None = None) -> dict[str, float]:
    """The weights in force: the committee's newest saved version (before ``until`` if given), else the plan's."""
    query = select(WeightVersion.weights).order_by(WeightVersion.id.desc()).limit(1)
    if until is not None:
        query = query.where(WeightVersion.created_at < until)
    saved = await session.scalar(query)
    return {c: float(saved[c]) for c in CRITERIA} if saved else criteria_weights(plan.spec.ranking)


async def prioritize(
    session: AsyncSession,
    plan: Plan,
    *,
    axis: str | None = None,
    working_group: str | None = None,
    until: datetime | None = None,
    weights: Mapping[str, float] | None = None,
) -> Priorities:
    """Every live problem scored with the weights in force (``current_weights``, or ``weights`` if given)
    and ranked; with ``axis`` or ``working_group``, only its problems (those with a finding from the
    group), ranked among themselves on the same scores. With ``until``, the ranking as it stood then
    (see ``load_criteria``)."""
    criteria = await load_criteria(session, until)
    weights = dict(weights) if weights is not None else await current_weights(session, plan, until)
    normalized = normalize(criteria, plan)
    ranked = rank(criteria, normalized, weights)
    priorities = Priorities(ranked, normalized.loc[ranked.index], weights)
    if axis is not None:
        priorities = priorities.within(ranked.index[ranked.axis == axis])
    if working_group is not None:
        priorities = priorities.within(await in_working_group(session, working_group))
    return priorities


async def explain(session: AsyncSession, priorities: Priorities, problem_ids: Sequence[int]) -> list[Explanation]:
    """The score of each of ``problem_ids`` broken down by criterion, with its evidence counts."""
    explained = []
    for problem_id in problem_ids:
        row = priorities.ranked.loc[problem_id]
        evidence = (await counts(session, problem_id))[1]
        explained.append(
            Explanation(
                int(problem_id),
                row["title"],
                row["axis"],
                int(row["rank"]),
                float(row["score"]),
                parts(row, priorities.normalized.loc[problem_id], priorities.weights),
                evidence,
            )
        )
    return explained
