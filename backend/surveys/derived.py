"""What follows from the answers: the questions as asked (each repeat member once per
instance, with the repeat's "add another?"), and the derived values expressions see
(calculations, and repeats seen from outside as nodesets for count() and sum())."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime
from typing import Any

from backend.surveys.expressions import Nodeset, compile_expression
from backend.surveys.model import (
    INSTANCE_MARK,
    Question,
    QuestionType,
    Repeat,
    SurveyDefinition,
    instance_copy,
    localize,
)
from backend.surveys.state import SurveyState, expression_answers, is_relevant

MAX_INSTANCES = 50  # a repeat is asked at most this many times
_PASSES = 3  # counts may depend on calculations and calculations on counts: settle in a few passes


def _blocks(defn: SurveyDefinition) -> list[Question | tuple[Repeat, list[Question]]]:
    """The questions in order, each repeat's (contiguous) members gathered with it."""
    blocks: list[Question | tuple[Repeat, list[Question]]] = []
    for question in defn.questions:
        if question.repeat is None:
            blocks.append(question)
        elif blocks and isinstance(blocks[-1], tuple) and blocks[-1][0].name == question.repeat:
            blocks[-1][1].append(question)
        else:
            blocks.append((defn.repeat(question.repeat), [question]))
    return blocks


def instance_count(repeat: Repeat, state: SurveyState) -> int:
    """How many instances a repeat with a count has: the count, within 0..MAX_INSTANCES."""
    assert repeat.count is not None
    value = compile_expression(repeat.count).evaluate(expression_answers(state), today=state.today)
    try:
        number = float(value or "nan") if isinstance(value, str) else float(value)  # type: ignore[arg-type]  # a date raises TypeError
    except (TypeError, ValueError):
        return 0
    return 0 if math.isnan(number) else max(0, min(MAX_INSTANCES, int(number)))


def _instances(repeat: Repeat, members: list[Question], state: SurveyState) -> list[Question]:
    if repeat.count is not None:
        count = instance_count(repeat, state)
        return [instance_copy(member, i) for i in range(1, count + 1) for member in members]
    asked: list[Question] = []
    for done in range(MAX_INSTANCES):
        more = repeat.more_question(done)
        asked.append(more)
        if state.answers.get(more.name) != "yes":
            break
        asked += [instance_copy(member, done + 1) for member in members]
    return asked


def asked_questions(defn: SurveyDefinition, state: SurveyState) -> list[Question]:
    """The survey's questions in asking order with its repeats unrolled for ``state``."""
    asked: list[Question] = []
    for block in _blocks(defn):
        asked += [block] if isinstance(block, Question) else _instances(*block, state)
    return asked


def stored_value(value: Any) -> Any:
    """A calculated XPath value as stored: whole numbers as int, NaN as "", dates as they are."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return "" if not math.isfinite(value) else int(value) if value.is_integer() else value
    if isinstance(value, datetime):
        return value.isoformat()
    return value if isinstance(value, date | str) else str(value)


def _choice_labels(defn: SurveyDefinition) -> Callable[[str, str], str]:
    def label(question: str, name: str) -> str:
        try:
            choices = defn.question(question).choices
        except KeyError:
            return name
        found = next((choice for choice in choices if choice.name == name), None)
        return name if found is None else localize(found.label, defn.default_language)

    return label


def _nodesets(defn: SurveyDefinition, asked: list[Question], values: dict[str, Any]) -> dict[str, Nodeset]:
    """Each repeat as its instances, and each member as its values over them."""
    sets: dict[str, Nodeset] = {}
    for repeat in defn.repeats:
        members = [q for q in asked if q.repeat == repeat.name and q.type is not QuestionType.REPEAT_MORE]
        instances = sorted({q.instance for q in members if q.instance is not None})
        sets[repeat.name] = Nodeset(instances)
        for question in (q for q in defn.questions if q.repeat == repeat.name):
            names = (f"{question.name}{INSTANCE_MARK}{i}" for i in instances)
            sets[question.name] = Nodeset(values[name] for name in names if name in values)
    return sets


def refresh(defn: SurveyDefinition, state: SurveyState) -> SurveyState:
    """``state`` with its derived values recomputed: repeats as nodesets, then every relevant
    calculation in asking order (each sees the ones before it; irrelevant ones are "")."""
    labels = _choice_labels(defn)
    derived: dict[str, Any] = dict(state.derived)
    for _ in range(_PASSES):
        asked = asked_questions(defn, replace(state, derived=derived))
        running: dict[str, Any] = dict(_nodesets(defn, asked, dict(state.answers)))
        for question in asked:
            if question.type is not QuestionType.CALCULATE:
                continue
            current = replace(state, derived=running)
            value: Any = ""
            if question.calculation and is_relevant(question, current):
                expression = compile_expression(question.calculation)
                value = stored_value(
                    expression.evaluate(expression_answers(current, question), today=state.today, choice_label=labels)
                )
            running[question.name] = value
        running |= _nodesets(defn, asked, {**state.answers, **running})
        if running == derived:
            break
        derived = running
    return replace(state, derived=derived)
