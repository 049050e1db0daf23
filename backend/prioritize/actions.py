"""Strategies, policies and projects ranked within and across their problems.

An action finding (kind strategy, policy or project) belongs to the problem of the finding it
answers (its ``parent_id``). Near-duplicate actions of one problem are grouped like problems
are, and each group is scored on the same criteria as problems (actions are not asked about in
surveys, so their citizen salience is 0, nor compared by citizens, so their citizen preference is
the middle one). ``within_rank`` orders a problem's actions of one kind; ``across_rank`` orders
all actions of a kind by ``across_score``: the action's score times its problem's, so the actions
of the most pressing problems come first.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from backend.aggregation.sql import read_frame
from backend.errors import MeydanError
from backend.integration.grouping import group_statements
from backend.models import Finding, ProblemFinding, counted
from backend.plan import Plan
from backend.prioritize.priorities import Priorities
from backend.prioritize.scoring import normalize, score

ACTION_KINDS = ("strategy", "policy", "project")


async def _actions(session: AsyncSession, kind: str) -> pd.DataFrame:
    parent = aliased(Finding)
    return await read_frame(
        session,
        select(
            Finding.id,
            Finding.normalized_text,
            Finding.source,
            Finding.stakeholder_group,
            Finding.district,
            Finding.severity,
            ProblemFinding.problem_id,
        )
        .join(parent, parent.id == Finding.parent_id)
        .join(ProblemFinding, ProblemFinding.finding_id == parent.id)
        .where(Finding.kind == kind, counted(), parent.deleted_at.is_(None))
        .order_by(Finding.id),
        ["finding_id", "text", "source", "stakeholder_group", "district", "severity", "problem_id"],
    )


async def rank_actions(session: AsyncSession, plan: Plan, priorities: Priorities, kind: str) -> pd.DataFrame:
    """The actions of ``kind`` under the ranked problems, one row per group of near-duplicates
    (``id``: its most central finding, ``title``: that finding's text): ``problem_id``, the raw
    criteria, ``score``, ``within_rank``, ``problem_score``, ``across_score``, ``across_rank``."""
    if kind not in ACTION_KINDS:
        raise MeydanError(f"unknown action kind {kind!r}; expected one of {', '.join(ACTION_KINDS)}")
    actions = await _actions(session, kind)
    actions = actions[actions.problem_id.isin(priorities.ranked.index)].reset_index(drop=True)
    grouping = group_statements(actions.text.tolist(), blocks=actions.problem_id.tolist())
    actions["group"] = grouping.labels
    actions["central"] = actions.finding_id.to_numpy()[grouping.canonical]
    grouped = actions.groupby("group").agg(
        id=("central", "first"),
        problem_id=("problem_id", "first"),
        mentions=("finding_id", "size"),
        source_breadth=("source", "nunique"),
        stakeholder_breadth=("stakeholder_group", "nunique"),
        district_spread=("district", "nunique"),
        severity=("severity", "mean"),
    )
    grouped = grouped.assign(
        citizen_salience=0.0, citizen_preference=np.nan, severity=grouped.severity.astype("float64")
    ).set_index("id")
    grouped["title"] = actions.set_index("finding_id").text.reindex(grouped.index)
    grouped["score"] = score(normalize(grouped, plan), priorities.weights)
    grouped["within_rank"] = grouped.groupby("problem_id").score.rank(method="first", ascending=False).astype("int64")
    grouped["problem_score"] = priorities.ranked.score.reindex(grouped.problem_id).to_numpy()
    grouped["across_score"] = grouped.score * grouped.problem_score
    grouped = grouped.sort_values(["across_score", "mentions"], ascending=False, kind="stable")
    grouped["across_rank"] = range(1, len(grouped) + 1)
    return grouped
