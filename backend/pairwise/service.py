"""The citizens' pairwise ranking as use cases: the next pair for a citizen, their answer, and the
current top of a district and of the city."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

import numpy as np

from backend.context import AppContext, Claim, transaction
from backend.errors import Refused
from backend.jalali import utcnow
from backend.models import AuditEntry, Participant
from backend.pairwise import store
from backend.pairwise.choice import choose_pair
from backend.pairwise.scopes import CITY, Scope, scopes_of
from backend.participants import service as participants

ROUND = 10  # pairs asked before offering "more"
TOP_SHOWN = 5
PICKS = ("first", "second", "equal", "skip", "unknown")  # what a citizen can answer on a shown pair
STALE = "errors.stale_button"
NEW, CHANGED, SAME = "new", "changed", "same"

_rng = np.random.default_rng(secrets.randbits(64))


@dataclass(frozen=True)
class Shown:
    """A problem as citizens see it."""

    id: int
    title: str


@dataclass(frozen=True)
class Pair:
    """Two problems to compare for ``district``, in the order shown."""

    district: str
    first: Shown
    second: Shown


@dataclass(frozen=True)
class Top:
    """The citizens' current top problems of a district and of the city."""

    district: list[Shown]
    city: list[Shown]


async def _participant(app: AppContext, messenger_id: int) -> Participant:
    async with app.sessions() as session:
        participant = await participants.by_messenger_id(session, messenger_id)
    if participant is None:
        raise Refused("pairwise.join_first")
    return participant


async def district_for(app: AppContext, messenger_id: int, code: str | None) -> str:
    """The district a citizen ranks for: ``code`` when given (a deep link), else their own. A code
    not in the plan, or no district at all, is refused."""
    participant = await _participant(app, messenger_id)
    district = code or participant.district
    if district is None:
        raise Refused("pairwise.no_district")
    if app.plan.get("district", district) is None:
        raise Refused("pairwise.unknown_district", code=district)
    return district


async def next_pair(app: AppContext, messenger_id: int, district: str) -> Pair | None:
    """The next pair for the citizen (chosen by ``choose_pair`` on the district's model), or None
    when they have answered every pair of it; a district with fewer than two problems is refused."""
    if app.plan.get("district", district) is None:  # a forged button: no scope is made for it
        raise Refused(STALE)
    scope = await scopes_of(app.engine).get(district)
    if len(scope.problems) < 2:
        raise Refused("pairwise.too_few")
    async with app.sessions() as session:
        answered = await store.answered_by(session, messenger_id)
    if answered is None:
        raise Refused("pairwise.join_first")
    pair = choose_pair(scope.strengths, scope.shown, scope.positions(answered), _rng)
    if pair is None:
        return None
    scope.shown[list(pair)] += 1
    first, second = pair if _rng.random() < 0.5 else pair[::-1]
    return Pair(district, _shown(scope, first), _shown(scope, second))


def _shown(scope: Scope, position: int) -> Shown:
    return Shown(int(scope.problems.index[position]), str(scope.problems.title.iloc[position]))


async def answer(
    app: AppContext, claim: Claim, messenger_id: int, pair: tuple[int, int], pick: str, district: str
) -> str:
    """Record the citizen's ``pick`` on the pair (first, second as shown), replacing an earlier answer:
    ``NEW``, ``CHANGED`` (another answer replaced) or ``SAME`` (the same answer again, as a double tap:
    nothing changes). A problem no longer ranked, or a pick not known, is a stale button."""
    first, second = pair
    if pick not in PICKS or first == second or app.plan.get("district", district) is None:
        raise Refused(STALE)
    low, high = sorted(pair)
    choice = {"first": "low" if first == low else "high", "second": "high" if first == low else "low"}.get(pick, pick)
    async with app.write_turn(), transaction(app, claim) as session:
        participant = await participants.by_messenger_id(session, messenger_id)
        if participant is None or await store.ranked(session, (low, high)) != {low, high}:
            raise Refused(STALE)
        before = await store.record(session, participant.id, district, low, high, choice, utcnow())
        if before == choice:
            return SAME
        session.add(
            AuditEntry(
                at=utcnow(),
                actor=participant.pseudonym,
                action="pairwise.answer",
                entity="problem_pair",
                entity_id=f"{low}-{high}",
                data={"choice": choice, "replaced": before, "district": district},
            )
        )
        return NEW if before is None else CHANGED


async def top(app: AppContext, district: str, k: int = TOP_SHOWN) -> Top:
    """The citizens' top ``k`` problems of ``district`` and of the city, by fitted strength; only
    problems citizens have compared count."""
    scopes = scopes_of(app.engine)
    return Top(
        _best(await scopes.get(district, fresh=True), k),
        _best(await scopes.get(CITY, fresh=True), k),
    )


def _best(scope: Scope, k: int) -> list[Shown]:
    ranked = scope.ranked()
    ranked = ranked[ranked.comparisons > 0].head(k)
    return [Shown(int(i), str(title)) for i, title in ranked.title.items()]
