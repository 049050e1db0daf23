"""One respondent's progress through a survey, and what follows from it: relevance and choices.

Answer values by question type: text → str (as typed, trimmed); integer → int; decimal →
Decimal; range → int (Decimal if the range has fractional steps); select_one, district,
axis → choice name; select_multiple → list of names in choice order; rank, axes_rank →
list of names in ranked order; date → datetime.date; acknowledge → "OK"; problem →
{"text": str, "axis": name}. Notes have no value.

While a multi-step question is under way its value is partial: a rank list shorter than
the target, or a problem without its "axis". In expressions a problem stands for its text.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from types import MappingProxyType
from typing import Any

from backend.surveys.expressions import compile_expression
from backend.surveys.model import RANK_TYPES, Choice, Question, QuestionType

ChoiceSources = Mapping[str, Sequence[Choice]]


@dataclass(frozen=True)
class SurveyState:
    """Answers so far (name → value, possibly partial) and the questions passed without a
    value (``skipped``: skipped optional questions and notes already shown). ``today`` is the
    date ``today()`` means in expressions (None: the system date). Immutable: the methods
    return a new state."""

    answers: Mapping[str, Any] = field(default_factory=dict)
    skipped: frozenset[str] = frozenset()
    today: date | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "answers", MappingProxyType(dict(self.answers)))
        object.__setattr__(self, "skipped", frozenset(self.skipped))

    def answer(self, name: str, value: Any) -> SurveyState:
        """Record ``value`` (complete or partial) for ``name``."""
        return SurveyState({**self.answers, name: value}, self.skipped - {name}, self.today)

    def skip(self, name: str) -> SurveyState:
        """Record that ``name`` was passed without a value (a skip, or a note shown)."""
        answers = {key: value for key, value in self.answers.items() if key != name}
        return SurveyState(answers, self.skipped | {name}, self.today)

    def clear(self, name: str) -> SurveyState:
        """Forget ``name`` entirely, so it will be asked again."""
        answers = {key: value for key, value in self.answers.items() if key != name}
        return SurveyState(answers, self.skipped - {name}, self.today)

    def visited(self, name: str) -> bool:
        """True if ``name`` has a value (even a partial one) or was skipped."""
        return name in self.answers or name in self.skipped


def expression_answers(state: SurveyState) -> dict[str, Any]:
    """The answers as expressions see them (a problem is its text)."""
    return {
        name: value.get("text", "") if isinstance(value, Mapping) else value for name, value in state.answers.items()
    }


def is_relevant(question: Question, state: SurveyState) -> bool:
    """Whether the question's relevant expression (if any) holds for the state."""
    if question.relevant is None:
        return True
    return compile_expression(question.relevant).test(expression_answers(state), today=state.today)


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
    answers = expression_answers(state)
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
    if question.type in RANK_TYPES:
        return len(value) >= rank_target(question, state, choice_sources)
    return True
