"""Plan codes in result tables shown as the plan's names, Persian or English."""

from __future__ import annotations

import pandas as pd

from backend.plan import Plan

PLAN_COLUMNS = ("axis", "working_group", "source", "stakeholder_group", "district")


def plan_name(plan: Plan, kind: str, code: object, lang: str) -> object:
    """The name in ``lang`` of the plan's ``kind`` (axis, source...) ``code``; other values as given."""
    found = plan.get(kind, code) if isinstance(code, str) else None
    return found.name(lang) if found is not None else code


def with_names(frame: pd.DataFrame, plan: Plan, lang: str) -> pd.DataFrame:
    """A copy of ``frame`` whose plan-coded columns (and index) hold names in ``lang``."""
    named = frame.copy()
    for column in named.columns.intersection(list(PLAN_COLUMNS)):
        named[column] = named[column].map(lambda code, kind=column: plan_name(plan, kind, code, lang))
    kind = named.index.name
    if kind in PLAN_COLUMNS:
        named.index = pd.Index([plan_name(plan, kind, code, lang) for code in named.index], name=kind)
    return named
