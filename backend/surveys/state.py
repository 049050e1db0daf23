"""One respondent's progress through a survey, and what follows from it: relevance and choices.

Answer values by question type: text → str (as typed, trimmed); integer → int; decimal →
Decimal; range → int (Decimal if the range has fractional steps); select_one, district,
axis → choice name; select_multiple → list of names in choice order; rank, axes_rank →
list of names in ranked order; date → datetime.date; acknowledge → "OK"; problem →
{"text": str, "axis": name}; time → "HH:MM"; geopoint → {"latitude", "longitude", "accuracy"}
(and, with district boundaries, "district_proposed" and "district"); image, audio, video,
file → {"file_id", "path"}; a repeat's "add another?" → "yes"/"no". Notes have no value;
calculate and metadata are never answered (see ``derived``).

While a multi-step question is under way its value is partial: a rank list shorter than
the target, or a problem without its "axis". In expressions a problem stands for its text.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from types import MappingProxyType
from typing import Any

from backend.surveys.expressions import compile_expression
from backend.surveys.model import INSTANCE_MARK, RANK_TYPES, Choice, Question, QuestionType

ChoiceSources = Mapping[str, Sequence[Choice]]


@dataclass(frozen=True)
class SurveyState:
    """Answers so far (name → value, possibly partial) and the questions passed without a
    value (``skipped``: skipped optional questions and notes already shown). ``today`` is the
    date ``today()`` means in expressions (None: the system date). ``derived`` holds what
    follows from the answers: calculated values and, for repeats, each member's answers
    over the instances; ``engine.refresh`` computes it. Immutable: the methods return a new
    state (whose ``derived`` waits for the next refresh)."""

    answers: Mapping[str, Any] = field(default_factory=dict)
    skipped: frozenset[str] = frozenset()
    today: date | None = None
    derived: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "answers", MappingProxyType(dict(self.answers)))
        object.__setattr__(self, "skipped", frozenset(self.skipped))
        object.__setattr__(self, "derived", MappingProxyType(dict(self.derived)))

    def answer(self, name: str, value: Any) -> SurveyState:
        """Record ``value`` (complete or partial) for ``name``."""
        return replace(self, answers={**self.answers, name: value}, skipped=self.skipped - {name})

    def skip(self, name: str) -> SurveyState:
        """Record that ``name`` was passed without a value (a skip, or a note shown)."""
        answers = {key: value for key, value in self.answers.items() if key != name}
        return replace(self, answers=answers, skipped=self.skipped | {name})

    def clear(self, name: str) -> SurveyState:
        """Forget ``name`` entirely, so it will be asked again."""
        answers = {key: value for key, value in self.answers.items() if key != name}
        return replace(self, answers=answers, skipped=self.skipped - {name})

    def visited(self, name: str) -> bool:
        """True if ``name`` has a value (even a partial one) or was skipped."""
        return name in self.answers or name in self.skipped


def as_expression_value(value: Any) -> Any:
    """A problem is its text, a geopoint "lat lon altitude accuracy" (as in ODK), a file its name."""
    if not isinstance(value, Mapping):
        return value
    if "latitude" in value:
        return f"{value['latitude']} {value['longitude']} 0 {value.get('accuracy') or 0}"
    if "file_id" in value:
        return str(value.get("path") or value["file_id"]).rsplit("/", 1)[-1]
    return value.get("text", "")


def expression_answers(state: SurveyState, question: Question | None = None) -> dict[str, Any]:
    """The answers and derived values as expressions see them: by question name; inside a
    repeat instance (``question`` is a member's copy) its members' answers in that instance."""
    values = {name: as_expression_value(value) for name, value in state.answers.items()}
    seen = {**values, **state.derived}
    flat = {name: value for name, value in seen.items() if INSTANCE_MARK not in name}
    if question is not None and question.instance is not None:
        suffix = f"{INSTANCE_MARK}{question.instance}"
        flat |= {name.removesuffix(suffix): value for name, value in seen.items() if name.endswith(suffix)}
    return flat


def is_relevant(question: Question, state: SurveyState) -> bool:
    """Whether the question's relevant expression (if any) holds for the state."""
    if question.relevant is None:
        return True
    return compile_expression(question.relevant).test(expression_answers(state, question), today=state.today)


def filtered_choices(question: Question, state: SurveyState, choice_sources: ChoiceSources) -> list[Choice]:
    """All choices of the question after its choice_filter (plan-aware types use the sources)."""
    source = question.choice_source
    if source is None:
        choices: Sequence[Choice] = question.choices
    elif source in choice_sources:
        choices = choice_sources[source]
    else:
        raise ValueError(f"question {question.name!r} needs the {source!r} choice source")
    if question.choice_filter is None:
        return list(choices)
    expression = compile_expression(question.choice_filter, allow_columns=True)
    answers = expression_answers(state, question)
    return [c for c in choices if expression.test(answers, columns=c.columns(), today=state.today)]


def visible_choices(question: Question, state: SurveyState, choice_sources: ChoiceSources) -> list[Choice]:
    """The choices to offer now: filtered, and for ranks without those already picked.

    For a problem these are the axes offered in its second step.
    """
    choices = filtered_choices(question, state, choice_sources)
    if question.type in RANK_TYPES:
        picked = set(state.answers.get(question.name) or ())
        return [c for c in choices if c.name not in picked]
    return choices


def rank_target(question: Question, state: SurveyState, choice_sources: ChoiceSources) -> int:
    """How many picks complete a rank question: rank_count, capped by the choices available."""
    available = len(filtered_choices(question, state, choice_sources))
    return min(question.rank_count or available, available)


def is_complete(question: Question, state: SurveyState, choice_sources: ChoiceSources) -> bool:
    """True if the question was skipped or has a complete (not partial) value."""
    if question.name in state.skipped:
        return True
    if question.name not in state.answers:
        return False
    value = state.answers[question.name]
    if question.type is QuestionType.PROBLEM:
        return isinstance(value, Mapping) and "axis" in value
    if question.type is QuestionType.GEOPOINT:
        return isinstance(value, Mapping) and ("district_proposed" not in value or "district" in value)
    if question.type in RANK_TYPES:
        return len(value) >= rank_target(question, state, choice_sources)
    return True
