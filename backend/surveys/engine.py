"""The survey engine: which question comes next, going back, and dropping stale answers.

Pure and deterministic: the caller keeps a ``SurveyState`` and the plan's choices
(``choice_sources`` with keys "district" and "axis"). A bot loop looks like::

    question = next_question(defn, state, sources)         # None: done, show review()
    if question.type is QuestionType.NOTE: state = state.skip(question.name)  # after showing it
    result = validate(question, reply, state, lang, sources)
    if isinstance(result, Valid): state = state.answer(question.name, result.value)

Skip an optional question with ``state.skip(name)`` (see ``can_skip``); after any change
call ``prune``, which drops what no longer applies and recomputes the derived values
(calculations, repeats). Questions come from ``asked_questions``: a repeat's members once
per instance ("name#i"), with its "add another?" unless it has a count; calculate and
metadata questions are never asked. This module also re-exports the validation and
review API so callers need only ``backend.surveys.engine``.
"""

from __future__ import annotations

from collections.abc import Mapping

from backend.surveys.derived import asked_questions, refresh
from backend.surveys.model import (
    NOT_ASKED,
    OWN_CHOICE_TYPES,
    PLAN_CHOICE_SOURCES,
    Question,
    QuestionType,
    SurveyDefinition,
)
from backend.surveys.review import display_value, filled_text, review
from backend.surveys.state import (
    ChoiceSources,
    SurveyState,
    filtered_choices,
    is_complete,
    is_relevant,
    visible_choices,
)
from backend.surveys.validation import Invalid, Raw, Result, Step, Valid, current_step, validate

__all__ = [
    "ChoiceSources",
    "asked_questions",
    "refresh",
    "Invalid",
    "Raw",
    "Result",
    "Step",
    "SurveyState",
    "Valid",
    "can_skip",
    "current_step",
    "display_value",
    "filled_text",
    "is_applicable",
    "next_question",
    "previous_question",
    "prune",
    "review",
    "step_back",
    "validate",
    "visible_choices",
]


def is_applicable(question: Question, state: SurveyState, choice_sources: ChoiceSources) -> bool:
    """Relevant, and for choice questions with at least one choice left after filtering."""
    if not is_relevant(question, state):
        return False
    has_choices = question.type in OWN_CHOICE_TYPES or question.type in PLAN_CHOICE_SOURCES
    return not has_choices or bool(filtered_choices(question, state, choice_sources))


def next_question(defn: SurveyDefinition, state: SurveyState, choice_sources: ChoiceSources) -> Question | None:
    """The first applicable question, in order, that is neither skipped nor completely
    answered (a partly answered problem or rank comes back for its next step); None when done."""
    for question in asked_questions(defn, state):
        if question.type in NOT_ASKED:
            continue
        if is_applicable(question, state, choice_sources) and not is_complete(question, state, choice_sources):
            return question
    return None


def can_skip(question: Question) -> bool:
    """Whether the respondent may pass the question without answering it."""
    return not question.required


def previous_question(defn: SurveyDefinition, state: SurveyState, current_name: str | None) -> Question | None:
    """The last relevant question before ``current_name`` (None: the end of the survey) that
    was answered or skipped, notes aside; None if there is none. KeyError for an unknown name."""
    asked = asked_questions(defn, state)
    names = [question.name for question in asked]
    if current_name is not None and current_name not in names:
        raise KeyError(current_name)
    end = len(asked) if current_name is None else names.index(current_name)
    for question in reversed(asked[:end]):
        if question.type is QuestionType.NOTE or question.type in NOT_ASKED:
            continue
        if state.visited(question.name) and is_relevant(question, state):
            return question
    return None


def step_back(defn: SurveyDefinition, state: SurveyState, current_name: str | None) -> SurveyState:
    """The state after ``/back`` while ``current_name`` is asked: a partly answered current
    question restarts; otherwise the previous question is cleared so it is asked again."""
    if current_name is not None and current_name in state.answers:
        return state.clear(current_name)
    previous = previous_question(defn, state, current_name)
    return state if previous is None else state.clear(previous.name)


def _keeps_choices(question: Question, value: object, state: SurveyState, choice_sources: ChoiceSources) -> bool:
    """Whether every choice in the stored value is still offered after the choice filter."""
    if question.type not in OWN_CHOICE_TYPES and question.type not in PLAN_CHOICE_SOURCES:
        return True
    if isinstance(value, Mapping):  # a problem: only its axis is a choice
        chosen = [value["axis"]] if "axis" in value else []
    else:
        chosen = [value] if isinstance(value, str) else list(value)  # type: ignore[call-overload]
    offered = {choice.name for choice in filtered_choices(question, state, choice_sources)}
    return set(chosen) <= offered


def prune(defn: SurveyDefinition, state: SurveyState, choice_sources: ChoiceSources) -> SurveyState:
    """Drop what no longer applies after an answer changed: answers and skips of questions
    that became irrelevant, choices no longer offered by a choice filter, repeat instances no
    longer asked, unknown names; then recompute the derived values. Repeats until stable,
    since each drop can change other questions' relevance."""
    changed = True
    while changed:
        changed = False
        state = refresh(defn, state)
        asked = asked_questions(defn, state)
        known = {question.name for question in asked}
        for name in (set(state.answers) | state.skipped) - known:
            state = state.clear(name)
            changed = True
        for question in asked:
            name = question.name
            if not state.visited(name):
                continue
            stale = not is_applicable(question, state, choice_sources) or (
                name in state.answers and not _keeps_choices(question, state.answers[name], state, choice_sources)
            )
            if stale:
                state = state.clear(name)
                changed = True
                break  # relevance and repeats follow from the answers: look again
    return state
