"""The plan: axes, groups, sources, districts, working groups and approval bodies."""

from __future__ import annotations

from datetime import time
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

Code = Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=40)
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
CRITERIA = (
    "mentions",
    "source_breadth",
    "stakeholder_breadth",
    "district_spread",
    "citizen_salience",
    "severity",
    "citizen_preference",
)
# An AHP matrix may leave out the citizens' own pairwise ranking (``citizen_preference`` then weighs 0).
AHP_CRITERIA = CRITERIA[:-1]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Named(_Strict):
    """Anything with a code and a Persian and English name."""

    code: str = Code
    fa: str = Field(min_length=1)
    en: str = Field(min_length=1)

    def name(self, lang: str) -> str:
        """The name in ``lang`` (``fa`` or ``en``)."""
        return self.en if lang == "en" else self.fa


class Period(_Strict):
    start: int = Field(ge=1300, le=1700)
    end: int = Field(ge=1300, le=1700)

    @model_validator(mode="after")
    def _ordered(self) -> Period:
        if self.end < self.start:
            raise ValueError("end year is before start year")
        return self


class WorkingGroup(_Strict):
    """One working group: a level, a unit (hq, an organization or a district) and an axis."""

    code: str
    level: Literal["hq", "organization", "district"]
    unit: str
    axis: str
    fa: str
    en: str

    def name(self, lang: str) -> str:
        """The name in ``lang``."""
        return self.en if lang == "en" else self.fa


class Weekly(_Strict):
    day: Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
    time: time

    @field_validator("time", mode="before")
    @classmethod
    def _hhmm(cls, value: object) -> object:
        if isinstance(value, int):  # YAML reads 09:00 as sexagesimal 540
            return time(value // 60, value % 60)
        return value


class ApprovalBody(Named):
    """A body that votes on agendas; the order in the plan is the approval chain."""

    quorum: float = Field(gt=0, le=1)
    pass_rule: Literal["simple_majority", "two_thirds", "consensus"]
    reject_needs_reason: bool = True
    agenda_size: int = Field(default=20, ge=1, le=200)
    voting_window_hours: int = Field(default=72, ge=1, le=24 * 60)
    reminder_hours_before_deadline: tuple[int, ...] = (24,)
    schedule: Weekly
    receives_digest: bool = True


class Ranking(_Strict):
    """Criteria weights, given directly or by an AHP pairwise-comparison matrix."""

    weights: dict[str, float] | None = None
    ahp: list[list[float]] | None = None

    @model_validator(mode="after")
    def _one_way(self) -> Ranking:
        if (self.weights is None) == (self.ahp is None):
            raise ValueError("give either weights or ahp, not both or neither")
        if self.weights is not None:
            unknown = set(self.weights) - set(CRITERIA)
            if unknown:
                raise ValueError(f"unknown criteria {sorted(unknown)}; known: {', '.join(CRITERIA)}")
            if any(w < 0 for w in self.weights.values()) or sum(self.weights.values()) <= 0:
                raise ValueError("weights must be non-negative and not all zero")
        if self.ahp is not None and self.ahp_criteria() is None:
            raise ValueError(
                f"ahp must be a {len(CRITERIA)}x{len(CRITERIA)} matrix over {', '.join(CRITERIA)}, "
                f"or {len(AHP_CRITERIA)}x{len(AHP_CRITERIA)} without {CRITERIA[-1]}"
            )
        return self

    def ahp_criteria(self) -> tuple[str, ...] | None:
        """The criteria the AHP matrix compares (by its size), or None if it fits neither."""
        matrix = self.ahp or []
        for criteria in (CRITERIA, AHP_CRITERIA):
            if len(matrix) == len(criteria) and all(len(row) == len(criteria) for row in matrix):
                return criteria
        return None
