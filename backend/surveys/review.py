"""The review screen: each relevant answered or skipped question with its answer as text."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from backend.jalali import format_date
from backend.surveys.model import RANK_TYPES, Question, QuestionType, SurveyDefinition, localize
from backend.surveys.state import ChoiceSources, SurveyState, is_relevant
from backend.locales import localize_digits

CHECK_MARK = "✓"


def _labeller(question: Question, lang: str, choice_sources: ChoiceSources) -> dict[str, str]:
    """Choice name → label in ``lang``, over all of the question's choices (unfiltered)."""
    source = question.choice_source
    choices = question.choices if source is None else choice_sources.get(source, ())
    return {choice.name: localize(choice.label, lang) for choice in choices}


def display_value(question: Question, value: Any, lang: str, choice_sources: ChoiceSources) -> str:
    """An answer as shown to the respondent: choice labels in ``lang``, ranks as numbered
    lines, Jalali dates, Persian digits for "fa"."""
    labels = _labeller(question, lang, choice_sources)
    if question.type is QuestionType.PROBLEM:
        text = value.get("text", "")
        return f"{text} ({labels.get(value['axis'], value['axis'])})" if "axis" in value else text
    if question.type in RANK_TYPES:
        return "\n".join(localize_digits(f"{i}.", lang) + f" {labels.get(name, name)}" for i, name in enumerate(value, 1))
    if question.type is QuestionType.SELECT_MULTIPLE:
        return ("، " if lang == "fa" else ", ").join(labels.get(name, name) for name in value)
    if question.type is QuestionType.ACKNOWLEDGE:
        return CHECK_MARK
    if isinstance(value, date):
        return format_date(value, lang)
    if isinstance(value, int | Decimal):
        return localize_digits(value, lang)
    return labels.get(value, value) if isinstance(value, str) else str(value)


def review(
    defn: SurveyDefinition, state: SurveyState, lang: str, choice_sources: ChoiceSources
) -> list[tuple[Question, str | None]]:
    """(question, display value) for each relevant question answered or skipped, notes
    aside, in survey order; the display value is None for a skipped question."""
    rows: list[tuple[Question, str | None]] = []
    for question in defn.questions:
        if question.type is QuestionType.NOTE or not state.visited(question.name) or not is_relevant(question, state):
            continue
        value = state.answers.get(question.name)
        shown = None if question.name in state.skipped else display_value(question, value, lang, choice_sources)
        rows.append((question, shown))
    return rows
