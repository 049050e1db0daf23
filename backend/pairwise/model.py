"""Bradley-Terry strengths from pairwise answers, and an uncertainty per problem.

A problem's strength ``s`` is on a log-odds scale: problem i is preferred to j with probability
``1 / (1 + exp(s_j - s_i))``. "Both equally" counts as half a win each way. The estimate is the
maximum a posteriori under a Gaussian prior of precision ``PRIOR`` centred on 0, which is where a
new problem, never compared yet, starts: at the average strength, with the prior's uncertainty. It
is the estimate ``choix.opt_pairwise`` computes (tests check they agree), but ``choix`` loops over
the answers in Python for every step, minutes for a million answers; here the answers are summed
per pair and the likelihood, its gradient and Hessian-vector products are vectorized, so Newton-CG
fits a million answers in about a second.

The uncertainty of a strength is its standard error from the diagonal of the Fisher information,
``1 / sqrt(PRIOR + sum over its comparisons of p (1 - p))``: small once a problem has been compared
many times with problems of similar strength.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import minimize
from scipy.special import expit
from scipy.stats import kendalltau

PRIOR = 0.1  # precision of the Gaussian prior on each strength (standard deviation about 3.2)
PRIOR_SE = float(1 / np.sqrt(PRIOR))
TOLERANCE = 1e-6


@dataclass(frozen=True)
class Strengths:
    """Per item (0..n-1): ``value`` (log-odds strength, mean 0) and ``se`` (its standard error);
    ``comparisons``: how many answers (ties included) each took part in."""

    value: np.ndarray
    se: np.ndarray
    comparisons: np.ndarray

    @classmethod
    def prior(cls, n: int) -> Strengths:
        """Nothing answered yet: every item at 0 with the prior's uncertainty."""
        return cls(np.zeros(n), np.full(n, PRIOR_SE), np.zeros(n))

    def order(self) -> np.ndarray:
        """Item indices strongest first (ties: lower index first)."""
        return np.lexsort((np.arange(len(self.value)), -self.value))


@dataclass(frozen=True)
class _Pairs:
    """Answers summed per pair: ``low`` < ``high`` item indices, ``low_wins`` and ``high_wins``."""

    low: np.ndarray
    high: np.ndarray
    low_wins: np.ndarray
    high_wins: np.ndarray

    @classmethod
    def of(cls, n: int, first: np.ndarray, second: np.ndarray, first_wins: np.ndarray) -> _Pairs:
        low, high = np.minimum(first, second), np.maximum(first, second)
        wins_low = np.where(first == low, first_wins, 1.0 - first_wins)
        keys, inverse = np.unique(low * n + high, return_inverse=True)
        return cls(
            keys // n,
            keys % n,
            np.bincount(inverse, wins_low, minlength=len(keys)),
            np.bincount(inverse, 1.0 - wins_low, minlength=len(keys)),
        )


def fit(n: int, first: np.ndarray, second: np.ndarray, first_wins: np.ndarray) -> Strengths:
    """The strengths of ``n`` items from answers on pairs (``first[k]``, ``second[k]``): ``first_wins[k]``
    is 1 when the first was preferred, 0 when the second was, 0.5 for "both equally"."""
    first, second = np.asarray(first, dtype=np.int64), np.asarray(second, dtype=np.int64)
    if n == 0 or len(first) == 0:
        return Strengths.prior(n)
    pairs = _Pairs.of(n, first, second, np.asarray(first_wins, dtype=np.float64))
    total = pairs.low_wins + pairs.high_wins

    def objective(s: np.ndarray) -> tuple[float, np.ndarray]:
        d = s[pairs.low] - s[pairs.high]
        log_p = np.minimum(d, 0.0) - np.log1p(np.exp(-np.abs(d)))  # log P(low preferred), stable
        value = -(total @ log_p - pairs.high_wins @ d) + PRIOR / 2 * s @ s  # log P(high) = log_p - d
        pull = total * np.exp(log_p) - pairs.low_wins  # d(value)/d(s_low), per pair
        return float(value), PRIOR * s + _scatter(n, pairs, pull)

    def hessp(s: np.ndarray, v: np.ndarray) -> np.ndarray:
        p = expit(s[pairs.low] - s[pairs.high])
        return PRIOR * v + _scatter(n, pairs, total * p * (1 - p) * (v[pairs.low] - v[pairs.high]))

    found = minimize(objective, np.zeros(n), jac=True, hessp=hessp, method="Newton-CG", options={"xtol": TOLERANCE})
    value = found.x - found.x.mean()
    p = expit(value[pairs.low] - value[pairs.high])
    weight = total * p * (1 - p)
    information = np.bincount(pairs.low, weight, minlength=n) + np.bincount(pairs.high, weight, minlength=n)
    comparisons = np.bincount(pairs.low, total, minlength=n) + np.bincount(pairs.high, total, minlength=n)
    return Strengths(value, 1.0 / np.sqrt(PRIOR + information), comparisons)


def _scatter(n: int, pairs: _Pairs, per_pair: np.ndarray) -> np.ndarray:
    """``per_pair`` added to each pair's low item and subtracted from its high item."""
    return np.bincount(pairs.low, per_pair, minlength=n) - np.bincount(pairs.high, per_pair, minlength=n)


def top_tau(true: np.ndarray, estimated: np.ndarray, k: int) -> float:
    """Kendall's tau between two scorings of the same items over the union of their top ``k``:
    1 when both put the same items on top in the same order."""
    top = np.union1d(np.argsort(-true)[:k], np.argsort(-estimated)[:k])
    return tau(true[top], estimated[top])


def tau(a: np.ndarray, b: np.ndarray) -> float:
    """Kendall's tau-b between two scorings; NaN when it is not defined (fewer than two items, or
    one scoring ties them all)."""
    if len(a) < 2:
        return float("nan")
    return float(kendalltau(a, b).statistic)
