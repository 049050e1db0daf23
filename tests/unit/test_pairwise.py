"""The citizens' pairwise ranking's pure logic: the Bradley-Terry fit (checked against ``choix``),
the uncertainty and the prior, the active choice of pairs, Kendall's tau, and the criterion."""

from __future__ import annotations

import choix
import numpy as np
import pandas as pd
import pytest

from backend.pairwise.choice import FLOOR, choose_pair
from backend.pairwise.model import PRIOR, PRIOR_SE, Strengths, fit, tau, top_tau
from backend.pairwise.scopes import CITY, in_district, strengths_of
from backend.plan import load_plan
from backend.prioritize.scoring import normalize


def _answers(true: np.ndarray, m: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    a, b = rng.integers(0, len(true), m), rng.integers(0, len(true), m)
    a, b = a[a != b], b[a != b]
    return a, b, (rng.random(len(a)) < 1 / (1 + np.exp(true[b] - true[a]))).astype(float)


def test_fit_is_choix_maximum_a_posteriori() -> None:
    rng = np.random.default_rng(1)
    true = rng.normal(size=25)
    a, b, wins = _answers(true, 1500, rng)
    ours = fit(25, a, b, wins)
    data = [(x, y) if w == 1 else (y, x) for x, y, w in zip(a, b, wins, strict=True)]
    reference = choix.opt_pairwise(25, data, alpha=PRIOR / 2)  # choix's penalty is alpha * sum(s^2)
    assert ours.value == pytest.approx(reference - reference.mean(), abs=1e-4)
    assert np.corrcoef(ours.value, true)[0, 1] > 0.9
    assert ours.comparisons.sum() == 2 * len(a)


def test_ties_pull_together_and_wins_apart() -> None:
    tied = fit(2, np.array([0, 0]), np.array([1, 1]), np.array([0.5, 0.5]))
    assert tied.value[0] == pytest.approx(tied.value[1])
    won = fit(3, np.array([0, 1]), np.array([1, 2]), np.array([1.0, 0.5]))
    assert won.value[0] - won.value[1] > abs(won.value[1] - won.value[2])


def test_a_new_problem_enters_with_the_prior_and_evidence_shrinks_the_uncertainty() -> None:
    rng = np.random.default_rng(2)
    true = rng.normal(size=6)
    a, b, wins = _answers(true[:5], 400, rng)  # problem 5 is new: never compared
    fitted = fit(6, a, b, wins)
    assert fitted.value[5] == pytest.approx(-fitted.value[:5].sum() / 5 + fitted.value[:5].mean(), abs=1e-9)
    assert fitted.se[5] == pytest.approx(PRIOR_SE) and fitted.comparisons[5] == 0
    assert (fitted.se[:5] < PRIOR_SE / 5).all()
    more = fit(6, *_answers(true[:5], 4000, rng))
    assert (more.se[:5] < fitted.se[:5]).all()
    assert Strengths.prior(3).value.tolist() == [0, 0, 0] and fit(3, [], [], []).se.tolist() == [PRIOR_SE] * 3


def test_kendall_tau_of_the_top() -> None:
    true = np.arange(20.0)
    assert top_tau(true, true * 2, 5) == pytest.approx(1.0)
    assert top_tau(true, -true, 5) == pytest.approx(-1.0)
    swapped = true.copy()
    swapped[[19, 18]] = swapped[[18, 19]]
    assert 0.5 < top_tau(true, swapped, 5) < 1.0
    assert np.isnan(tau(np.array([1.0]), np.array([2.0])))


def test_a_citizen_never_gets_a_pair_twice_and_none_when_all_are_answered() -> None:
    rng = np.random.default_rng(3)
    strengths, shown = Strengths.prior(4), np.zeros(4)
    answered: list[tuple[int, int]] = []
    for _ in range(6):
        pair = choose_pair(strengths, shown, answered, rng)
        assert pair is not None and pair[0] < pair[1] and pair not in answered
        answered.append(pair)
        shown[list(pair)] += 1
    assert sorted(answered) == [(0, 1), (0, 2), (0, 3), (1, 2), (1, 3), (2, 3)]
    assert choose_pair(strengths, shown, answered, rng) is None
    assert choose_pair(Strengths.prior(1), np.zeros(1), [], rng) is None


def test_the_least_shown_comes_first_and_its_partner_is_the_closest() -> None:
    rng = np.random.default_rng(4)
    strengths = Strengths(np.array([0.0, 0.2, 3.0, -3.0, 0.05]), np.full(5, 0.3), np.full(5, 50.0))
    shown = np.array([50.0, 50, 50, 50, 0])  # problem 4 is new
    assert choose_pair(strengths, shown, [], rng) == (0, 4)  # 4, with the one of closest strength
    assert choose_pair(strengths, shown, [(0, 4)], rng) == (1, 4)


def test_active_choice_shows_every_problem_fairly_often() -> None:
    rng = np.random.default_rng(5)
    true = np.linspace(-2, 2, 30)
    strengths = fit(30, *_answers(true, 3000, rng))
    shown = np.zeros(30)
    for _ in range(600):
        pair = choose_pair(strengths, shown, [], rng)
        assert pair is not None
        shown[list(pair)] += 1
    assert shown.min() >= FLOOR * shown.mean() - 1
    assert shown[np.argsort(-true)[:10]].mean() > shown.mean()  # the top's order gets more questions


def test_a_district_ranks_its_own_and_the_citys_problems_from_counted_answers() -> None:
    problems = pd.DataFrame(
        {"title": ["a", "b", "c", "d"], "axis": ["x"] * 4, "districts": [{"d01"}, {"d02"}, {""}, {"d01", "d02"}]},
        index=pd.Index([10, 11, 12, 13], name="id"),
    )
    assert in_district(problems, "d01").index.tolist() == [10, 12, 13]
    assert in_district(problems, CITY).index.tolist() == [10, 11, 12, 13]
    none = in_district(problems.iloc[:0], "d01")  # no problem at all yet: still a table of problems
    assert none.empty and none.columns.tolist() == ["title", "axis", "districts"]
    answers = pd.DataFrame(
        {"low": [10, 10, 10, 11], "high": [12, 13, 12, 99], "choice": ["low", "skip", "unknown", "high"]}
    )
    strengths, shown = strengths_of(problems, answers)
    assert shown.tolist() == [3, 0, 2, 1]  # skipped and unknown pairs were shown; 99 is not a problem here
    assert strengths.comparisons.tolist() == [1, 0, 1, 0]  # only the answer with a choice counts
    assert strengths.value[0] > 0 > strengths.value[2]


def test_citizen_preference_is_the_chance_of_beating_an_average_problem() -> None:
    criteria = pd.DataFrame(
        {
            "mentions": [1, 1, 1],
            "source_breadth": [1, 1, 1],
            "stakeholder_breadth": [1, 1, 1],
            "district_spread": [1, 1, 1],
            "citizen_salience": [0.0, 0.0, 0.0],
            "severity": [3.0, 3.0, 3.0],
            "citizen_preference": [0.0, np.log(3), np.nan],
        }
    )
    normalized = normalize(criteria, load_plan())
    assert normalized.citizen_preference.tolist() == pytest.approx([0.5, 0.75, 0.5])
