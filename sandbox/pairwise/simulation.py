"""Simulated citizens with hidden true strengths plus their own noise answer pairs chosen actively
or at random; how well the fitted strengths recover the true top of the problems."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from backend.pairwise.choice import choose_pair
from backend.pairwise.model import Strengths, fit, top_tau

REFIT_EVERY = 50  # citizens between refits, as the bot refits while they answer


@dataclass(frozen=True)
class Outcome:
    """What one simulated run found: Kendall's tau of the estimated top ``k`` against the true one."""

    tau: float
    answers: int


def simulate(
    *,
    problems: int = 200,
    citizens: int = 2000,
    pairs_each: int = 20,
    noise: float = 0.5,
    active: bool = True,
    k: int = 10,
    seed: int = 0,
) -> Outcome:
    """Every citizen perceives each problem's true strength (standard normal) plus their own normal
    ``noise`` and answers by the Bradley-Terry probability of those; pairs are chosen by
    ``choose_pair`` (``active``) or uniformly at random."""
    rng = np.random.default_rng(seed)
    true = rng.normal(size=problems)
    first: list[int] = []
    second: list[int] = []
    wins: list[float] = []
    shown = np.zeros(problems)
    strengths = Strengths.prior(problems)
    for citizen in range(citizens):
        if citizen % REFIT_EVERY == 0 and first:
            strengths = fit(problems, np.array(first), np.array(second), np.array(wins))
        perceived = true + rng.normal(scale=noise, size=problems)
        answered: list[tuple[int, int]] = []
        for _ in range(pairs_each):
            pair = choose_pair(strengths, shown, answered, rng) if active else _random_pair(problems, answered, rng)
            assert pair is not None
            i, j = pair
            answered.append(pair)
            shown[[i, j]] += 1
            first.append(i)
            second.append(j)
            wins.append(float(rng.random() < 1 / (1 + np.exp(perceived[j] - perceived[i]))))
    final = fit(problems, np.array(first), np.array(second), np.array(wins))
    return Outcome(top_tau(true, final.value, k), len(wins))


def _random_pair(n: int, answered: list[tuple[int, int]], rng: np.random.Generator) -> tuple[int, int]:
    while True:
        i, j = sorted(int(x) for x in rng.choice(n, size=2, replace=False))
        if (i, j) not in answered:
            return i, j
