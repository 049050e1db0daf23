"""How solid a ranking is: the weights perturbed at random (Monte Carlo) and, for each problem,
the share of draws in which it stays in the top K."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from backend.plan.model import CRITERIA

DRAWS = 1000
SPREAD = 0.2  # each weight is multiplied by a uniform factor in [1 - SPREAD, 1 + SPREAD]
_CHUNK = 100  # draws scored at once
_TIE = 1e-9  # equal scores keep the ranking's order


def top_k_probability(
    normalized: pd.DataFrame,
    weights: Mapping[str, float],
    k: int,
    *,
    draws: int = DRAWS,
    spread: float = SPREAD,
    seed: int = 0,
) -> pd.Series:
    """For each problem (rows of ``normalized``, in ranking order), the share of ``draws`` weight
    draws in which it is among the first ``k``; each draw multiplies every weight by its own
    uniform factor in [1 - spread, 1 + spread] and renormalizes them to sum 1."""
    values = normalized[list(CRITERIA)].to_numpy(dtype=np.float64)
    n = len(values)
    if k >= n:
        return pd.Series(1.0, index=normalized.index)
    base = np.array([weights[c] for c in CRITERIA])
    rng = np.random.default_rng(seed)
    ties = -_TIE * np.arange(n)[:, None]
    inside = np.zeros(n, dtype=np.int64)
    for start in range(0, draws, _CHUNK):
        drawn = base * rng.uniform(1 - spread, 1 + spread, size=(min(_CHUNK, draws - start), len(base)))
        drawn /= drawn.sum(axis=1, keepdims=True)
        scores = values @ drawn.T + ties
        inside += np.bincount(np.argpartition(-scores, k - 1, axis=0)[:k].ravel(), minlength=n)
    return pd.Series(inside / draws, index=normalized.index)
