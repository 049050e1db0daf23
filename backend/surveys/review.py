"""The review screen: each relevant answered or skipped question with its answer as text."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Any

from backend.jalali import format_date
from backend.locales import localize_digits
from backend.surveys.derived import asked_questions
from backend.surveys.expressions import xpath_string
from backend.surveys.model import (
    FILE_TYPES,
    NOT_ASKED,
    OTHER_CHOICE,
    RANK_TYPES,
    Question,
    QuestionType,
    SurveyDefinition,
    localize,
)
from backend.surveys.state import ChoiceSources, SurveyState, expression_answers, is_relevant

CHECK_MARK = "✓"
UNREVIEWED = frozenset({QuestionType.NOTE, QuestionType.REPEAT_MORE, *NOT_ASKED})
_REFERENCE = re.compile(r"\$\{\s*([A-Za-z_][A-Za-z0-9_.-]*)\s*\}")


def filled_text(texts: dict[str, str], question: Question, state: SurveyState, lang: str) -> str:
    """A question's label or hint in ``lang`` with each ``${q}`` replaced by its value (as in ODK)."""
    text = localize(texts, lang)
    if "${" not in text:
        return text
    values = expression_answers(state, question)
    return _REFERENCE.sub(lambda match: xpath_string(values.get(match[1])), text)


def _labeller(question: Question, lang: str, choice_sources: ChoiceSources) -> dict[str, str]:
    """Choice name → label in ``lang``, over all of the question's choices (unfiltered)."""
    source = question.choice_source
    choices = question.choices if source is None else choice_sources.get(source, ())
    return {choice.name: localize(choice.label, lang) for choice in choices}


def display_value(
    question: Question, value: Any, lang: str, choice_sources: ChoiceSources, other: str | None = None
) -> str:
    """An answer as shown to the respondent: choice labels in ``lang``, ranks as numbered
    lines, Jalali dates, Persian digits for "fa", a point as "lat, lon (district)"; "" for a file.
    ``other`` is the text an or_other question's "other" stands for (pyxform labels it in English)."""
    labels = _labeller(question, lang, choice_sources)
    if question.or_other and other:
        labels[OTHER_CHOICE] = other
    if question.type is QuestionType.GEOPOINT:
        point = localize_digits(f"{value['latitude']:.5f}, {value['longitude']:.5f}", lang)
        districts = {c.name: localize(c.label, lang) for c in choice_sources.get("district", ())}
        district = value.get("district")
        return f"{point} ({districts.get(district, district)})" if district else point
    if question.type in FILE_TYPES:
        return ""  # the bot says what was received, in the respondent's language
    if question.type is QuestionType.PROBLEM:
        text = value.get("text", "")
        return f"{text} ({labels.get(value['axis'], value['axis'])})" if "axis" in value else text
    if question.type in RANK_TYPES:
        return "\n".join(
            localize_digits(f"{i}.", lang) + f" {labels.get(name, name)}" for i, name in enumerate(value, 1)
        )
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
    asked = asked_questions(defn, state)
    others = {q.other_of: state.answers.get(q.name) for q in asked if q.other_of is not None}
    for question in asked:
        if question.type in UNREVIEWED or not state.visited(question.name) or not is_relevant(question, state):
            continue
        value = state.answers.get(question.name)
        shown = (
            None
            if question.name in state.skipped
            else display_value(question, value, lang, choice_sources, others.get(question.name))
        )
        rows.append((question, shown))
    return rows
