"""A body's rule applied to one item's votes: quorum, then the pass rule. Pure functions."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction


class Outcome(StrEnum):
    """What a body decided on an item."""

    APPROVED = "approved"
    REJECTED = "rejected"
    NO_QUORUM = "no_quorum"


@dataclass(frozen=True)
class Tally:
    """Votes on one item, out of the body's ``members``."""

    members: int
    approve: int = 0
    reject: int = 0
    abstain: int = 0

    @property
    def cast(self) -> int:
        """Votes cast, abstentions included (they count for the quorum)."""
        return self.approve + self.reject + self.abstain


def has_quorum(tally: Tally, quorum: float) -> bool:
    """Whether at least ``quorum`` (a share of the members) voted; a body without members never has one."""
    return tally.members > 0 and Fraction(tally.cast, tally.members) >= Fraction(quorum).limit_denominator(1000)


def passes(tally: Tally, pass_rule: str) -> bool:
    """The pass rule over the votes for and against (abstentions do not count either way).

    ``simple_majority``: more for than against; ``two_thirds``: at least two thirds of those
    for or against are for; ``consensus``: at least one for and none against.
    """
    decisive = tally.approve + tally.reject
    if pass_rule == "simple_majority":
        return tally.approve > tally.reject
    if pass_rule == "two_thirds":
        return decisive > 0 and 3 * tally.approve >= 2 * decisive
    if pass_rule == "consensus":
        return tally.approve > 0 and tally.reject == 0
    raise ValueError(f"unknown pass rule {pass_rule!r}")


def decide(tally: Tally, quorum: float, pass_rule: str) -> Outcome:
    """The body's decision on one item."""
    if not has_quorum(tally, quorum):
        return Outcome.NO_QUORUM
    return Outcome.APPROVED if passes(tally, pass_rule) else Outcome.REJECTED
