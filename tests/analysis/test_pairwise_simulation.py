"""Simulated citizens recover the hidden order of the problems: 2,000 citizens answer 20 pairs each
about 200 problems with hidden strengths, each with their own noise; the estimated top 10 agrees with
the true one (Kendall's tau at least 0.8), and choosing pairs actively beats random pairs at the same
number of answers."""

from __future__ import annotations

import pytest

from sandbox.pairwise.simulation import simulate


@pytest.mark.slow  # two runs of 40,000 answers each: tens of seconds
def test_active_pairs_recover_the_true_top_ten_better_than_random_pairs() -> None:
    active = simulate(problems=200, citizens=2000, pairs_each=20, active=True, seed=0)
    at_random = simulate(problems=200, citizens=2000, pairs_each=20, active=False, seed=0)
    print(
        f"\nKendall's tau of the estimated top 10 against the true one, {active.answers} answers: "
        f"active {active.tau:.3f}, random {at_random.tau:.3f}"
    )
    assert active.answers == at_random.answers == 40_000
    assert active.tau >= 0.8
    assert active.tau > at_random.tau
