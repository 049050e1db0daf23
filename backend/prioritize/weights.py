"""Criteria weights from the plan file: given directly, or derived from an AHP pairwise-comparison
matrix (Saaty) whose consistency is checked."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from backend.errors import MeydanError
from backend.plan.model import CRITERIA, Ranking

# Saaty's random consistency index by matrix size (1 to 10).
RANDOM_INDEX = (0.0, 0.0, 0.58, 0.90, 1.12, 1.24, 1.32, 1.41, 1.45, 1.49)
MAX_CONSISTENCY_RATIO = 0.10
_RECIPROCAL_TOLERANCE = 0.02  # 1/3 written as 0.33 is still reciprocal


@dataclass(frozen=True)
class AhpWeights:
    """Weights from the principal eigenvector of a pairwise-comparison matrix, with its consistency."""

    weights: dict[str, float]
    principal_eigenvalue: float
    consistency_ratio: float


def ahp(matrix: Sequence[Sequence[float]], criteria: Sequence[str] = CRITERIA) -> AhpWeights:
    """The AHP weights of ``criteria`` from ``matrix`` (``matrix[i][j]``: how much more criterion i
    matters than j); a matrix that is not positive and reciprocal is a MeydanError."""
    a = np.asarray(matrix, dtype=float)
    n = len(criteria)
    if a.shape != (n, n) or not np.all(a > 0) or not np.allclose(a * a.T, 1, rtol=_RECIPROCAL_TOLERANCE):
        raise MeydanError(
            f"ranking.ahp must be a positive reciprocal {n}x{n} matrix (a[j][i] = 1 / a[i][j], "
            f"ones on the diagonal) over {', '.join(criteria)}"
        )
    values, vectors = np.linalg.eig(a)
    principal = int(np.argmax(values.real))
    weights = np.abs(vectors[:, principal].real)
    weights /= weights.sum()
    eigenvalue = float(values[principal].real)
    index = (eigenvalue - n) / (n - 1) if n > 1 else 0.0
    ratio = index / RANDOM_INDEX[n - 1] if RANDOM_INDEX[n - 1] else 0.0
    return AhpWeights(dict(zip(criteria, weights.tolist(), strict=True)), eigenvalue, max(ratio, 0.0))


def criteria_weights(ranking: Ranking) -> dict[str, float]:
    """Every criterion's weight (summing to 1) from the plan's ``ranking``; an AHP matrix whose
    consistency ratio is over 0.10 is refused with a MeydanError."""
    if ranking.ahp is not None:
        compared = ranking.ahp_criteria()
        assert compared is not None
        found = ahp(ranking.ahp, compared)
        if found.consistency_ratio > MAX_CONSISTENCY_RATIO:
            raise MeydanError(
                f"the plan's AHP matrix (ranking.ahp) is inconsistent: consistency ratio "
                f"{found.consistency_ratio:.3f} is over {MAX_CONSISTENCY_RATIO:.2f}; revise the pairwise comparisons"
            )
        return {criterion: found.weights.get(criterion, 0.0) for criterion in CRITERIA}
    assert ranking.weights is not None
    total = sum(ranking.weights.values())
    return {criterion: ranking.weights.get(criterion, 0.0) / total for criterion in CRITERIA}


def most_inconsistent_pair(matrix: Sequence[Sequence[float]], weights: Sequence[float]) -> tuple[int, int]:
    """The comparison ``(i, j)`` (i < j) that departs most from what the weights imply (``a[i][j]`` against
    ``w[i] / w[j]``, on a log scale): the judgement to revisit first when the matrix is inconsistent."""
    a = np.asarray(matrix, dtype=float)
    w = np.asarray(weights, dtype=float)
    departure = np.abs(np.log(a * w[None, :] / w[:, None]))
    upper = np.triu(departure, k=1)
    i, j = np.unravel_index(int(np.argmax(upper)), upper.shape)
    return int(i), int(j)
