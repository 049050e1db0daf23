"""Which pair to ask next, chosen actively.

Every problem is shown fairly often: while some problem has been shown less than 30% as often as
the average, the least shown comes first (so a new problem, shown never, enters at once). Otherwise
the first problem is the one whose place near the top is most in doubt: its uncertainty times the
chance that it belongs to the top ``TOP`` (a problem far below is settled sooner). Its partner is
the problem whose order against it is most uncertain, the probability that their fitted order is
wrong, ``Phi(-|s_i - s_j| / sqrt(se_i^2 + se_j^2))``, held back a little for partners shown often.
Pairs the citizen has answered already are never asked again.
"""

from __future__ import annotations

from collections.abc import Collection

import numpy as np
from scipy.special import ndtr

from backend.pairwise.model import Strengths

TOP = 10  # the part of the ranking citizens see and that matters most
FLOOR = 0.3  # a problem shown less than this share of the average is shown next
LEAST_DOUBT = 0.02  # the doubt counted for a problem that seems far from the top
EXPOSURE_PENALTY = 0.05  # how much a partner shown the most is held back against one never shown


def choose_pair(
    strengths: Strengths,
    shown: np.ndarray,
    answered: Collection[tuple[int, int]] | np.ndarray,
    rng: np.random.Generator,
) -> tuple[int, int] | None:
    """The next pair (item indices, lower first) for one citizen, or None when no pair is left.

    ``shown[i]``: how often item i has been shown to anyone; ``answered``: the pairs (i, j), i < j,
    this citizen has answered (or an array of them, one row a pair)."""
    n = len(strengths.value)
    pairs = np.asarray(list(answered), dtype=np.int64).reshape(-1, 2)
    done = np.bincount(pairs.ravel(), minlength=n)  # partners each item has been answered against
    candidates = np.flatnonzero(done < n - 1)
    if n < 2 or len(candidates) == 0:
        return None
    first = _first(strengths, shown, candidates, rng)
    spread = np.sqrt(strengths.se[first] ** 2 + strengths.se**2)
    wrong = ndtr(-np.abs(strengths.value - strengths.value[first]) / spread)
    score = wrong - EXPOSURE_PENALTY * shown / (shown.max() + 1) + rng.random(n) * 1e-9
    score[first] = -np.inf
    score[pairs[pairs[:, 0] == first, 1]] = -np.inf
    score[pairs[pairs[:, 1] == first, 0]] = -np.inf
    second = int(np.argmax(score))
    return (first, second) if first < second else (second, first)


def _first(strengths: Strengths, shown: np.ndarray, candidates: np.ndarray, rng: np.random.Generator) -> int:
    """The first problem of the next pair, among ``candidates``."""
    exposure = shown[candidates]
    jitter = rng.random(len(candidates)) * 1e-9
    if exposure.min() < FLOOR * shown.mean() or not exposure.any():
        return int(candidates[np.lexsort((-strengths.se[candidates] - jitter, exposure))[0]])
    value, se = strengths.value, strengths.se
    k = min(TOP, len(value) - 1)
    edge = np.partition(value, len(value) - 1 - k)[len(value) - 1 - k]  # just below the top k
    doubt = np.maximum(ndtr((value[candidates] - edge) / se[candidates]), LEAST_DOUBT)
    return int(candidates[np.argmax(se[candidates] * doubt + jitter)])
