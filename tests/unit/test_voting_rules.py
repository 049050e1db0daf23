"""The bodies' voting rules on hand-made tallies."""

from __future__ import annotations

import pytest

from backend.voting.rules import Outcome, Tally, decide, has_quorum, passes


@pytest.mark.parametrize(
    ("tally", "quorum", "expected"),
    [
        (Tally(members=6, approve=2, reject=1), 0.5, True),  # 3 of 6
        (Tally(members=6, approve=2), 0.5, False),  # 2 of 6
        (Tally(members=5, approve=1, abstain=2), 0.6, True),  # abstentions count for the quorum
        (Tally(members=0), 0.5, False),
    ],
)
def test_quorum(tally: Tally, quorum: float, expected: bool) -> None:
    assert has_quorum(tally, quorum) is expected


@pytest.mark.parametrize(
    ("tally", "rule", "expected"),
    [
        (Tally(members=5, approve=2, reject=1, abstain=2), "simple_majority", True),
        (Tally(members=4, approve=2, reject=2), "simple_majority", False),  # a tie does not pass
        (Tally(members=9, approve=6, reject=3), "two_thirds", True),
        (Tally(members=9, approve=5, reject=3), "two_thirds", False),
        (Tally(members=3, approve=2, abstain=1), "consensus", True),
        (Tally(members=3, approve=2, reject=1), "consensus", False),
        (Tally(members=3, abstain=3), "two_thirds", False),
    ],
)
def test_pass_rules(tally: Tally, rule: str, expected: bool) -> None:
    assert passes(tally, rule) is expected


def test_decide() -> None:
    assert decide(Tally(members=3, approve=2, reject=1), 0.5, "simple_majority") is Outcome.APPROVED
    assert decide(Tally(members=3, approve=1, reject=2), 0.5, "simple_majority") is Outcome.REJECTED
    assert decide(Tally(members=4, approve=1), 0.5, "simple_majority") is Outcome.NO_QUORUM
    with pytest.raises(ValueError):
        passes(Tally(members=1, approve=1), "coin_toss")
