"""The multi-criteria score: each criterion normalized to 0..1, weighted, summed; every part kept
so the score can be explained.

Normalization (documented for the committee):

- ``mentions``: log(1 + findings) / log(1 + the most findings of any problem scored), so the
  hundredth mention adds less than the second;
- ``source_breadth``, ``stakeholder_breadth``, ``district_spread``: distinct sources, stakeholder
  groups and districts over how many the plan has (9, 6 and 14 for Mashhad);
- ``citizen_salience``: already a share of survey respondents (see ``criteria``);
- ``severity``: the facilitators' mean severity on the 1-5 scale mapped to 0..1; a problem no
  facilitator rated counts at mid-scale (0.5);
- ``citizen_preference``: the chance citizens prefer the problem to one of average strength, from
  its Bradley-Terry strength s (``backend.pairwise``): 1 / (1 + exp(-s)); a problem citizens never
  compared counts at 0.5.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy.special import expit

from backend.plan import Plan
from backend.plan.model import CRITERIA

SEVERITY_SCALE = (1, 5)
UNRATED_SEVERITY = 0.5
UNCOMPARED = 0.5


@dataclass(frozen=True)
class Part:
    """One criterion's share of a score: ``contribution = normalized * weight``."""

    criterion: str
    raw: float | None
    normalized: float
    weight: float
    contribution: float


@dataclass(frozen=True)
class Explanation:
    """Why a problem ranks where it does: the score by criterion, and its evidence counts by
    source, stakeholder group, working group and district (None: not given)."""

    problem_id: int
    title: str
    axis: str | None
    rank: int
    score: float
    parts: list[Part]
    evidence: dict[str, dict[str | None, int]]

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form (for agenda items, the bot and reports)."""
        data = asdict(self)
        data["evidence"] = {k: {str(v): n for v, n in counts.items()} for k, counts in self.evidence.items()}
        return data


def normalize(criteria: pd.DataFrame, plan: Plan) -> pd.DataFrame:
    """The criteria columns of ``criteria`` (raw, one row per problem) normalized to 0..1."""
    low, high = SEVERITY_SCALE
    most = np.log1p(criteria.mentions.max()) if len(criteria) else 0.0
    normalized = pd.DataFrame(
        {
            "mentions": np.log1p(criteria.mentions) / most if most else 0.0,
            "source_breadth": criteria.source_breadth / len(plan.sources),
            "stakeholder_breadth": criteria.stakeholder_breadth / len(plan.stakeholder_groups),
            "district_spread": criteria.district_spread / len(plan.districts),
            "citizen_salience": criteria.citizen_salience,
            "severity": ((criteria.severity - low) / (high - low)).fillna(UNRATED_SEVERITY),
            "citizen_preference": expit(criteria.citizen_preference.astype("float64")).fillna(UNCOMPARED),
        },
        index=criteria.index,
    )
    return normalized[list(CRITERIA)].astype("float64").clip(0.0, 1.0)


def score(normalized: pd.DataFrame, weights: Mapping[str, float]) -> pd.Series:
    """The weighted sum of the normalized criteria (0..1 when the weights sum to 1)."""
    return normalized[list(CRITERIA)] @ pd.Series(weights)[list(CRITERIA)]


def rank(criteria: pd.DataFrame, normalized: pd.DataFrame, weights: Mapping[str, float]) -> pd.DataFrame:
    """``criteria`` with ``score`` and ``rank`` (1 = first), best first: by score, then mentions,
    then lower id."""
    ranked = criteria.assign(score=score(normalized, weights)).rename_axis("id").reset_index()
    ranked = ranked.sort_values(["score", "mentions", "id"], ascending=[False, False, True], ignore_index=True)
    ranked["rank"] = np.arange(1, len(ranked) + 1)
    return ranked.set_index("id")


def parts(criteria: pd.Series, normalized: pd.Series, weights: Mapping[str, float]) -> list[Part]:
    """One problem's score broken down by criterion."""
    return [
        Part(
            c,
            None if pd.isna(criteria[c]) else float(criteria[c]),
            float(normalized[c]),
            weights[c],
            float(normalized[c]) * weights[c],
        )
        for c in CRITERIA
    ]
