"""Build the engine's plan-aware choice sources ("district", "axis") from a loaded plan."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Protocol

from backend.surveys.location import BOUNDARY
from backend.surveys.model import Choice

if TYPE_CHECKING:
    from backend.plan import Plan


class _Named(Protocol):
    code: str
    fa: str
    en: str


def choices_from_named(items: Iterable[_Named]) -> list[Choice]:
    """One choice per plan item: its code as the name, its Persian and English names as labels."""
    return [Choice(name=item.code, label={"fa": item.fa, "en": item.en}) for item in items]


def plan_choice_sources(plan: Plan) -> dict[str, list[Choice]]:
    """The choice sources for ``plan``: its districts (with their boundaries, if the plan has
    them, for locating a shared point) and its axes, in plan order."""
    boundaries = plan.district_boundaries
    districts = [
        choice.model_copy(update={"extra": {BOUNDARY: boundaries[choice.name]}})
        if choice.name in boundaries
        else choice
        for choice in choices_from_named(plan.districts)
    ]
    return {"district": districts, "axis": choices_from_named(plan.axes)}
