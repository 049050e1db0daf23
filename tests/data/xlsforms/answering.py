"""How a simulated citizen answers any corpus question: candidate replies, tried in order
until one is accepted (so the form's constraints choose among them)."""

from __future__ import annotations

from typing import Any

from backend.surveys.engine import ChoiceSources, Step, SurveyState, current_step, visible_choices
from backend.surveys.model import Question, QuestionType

MASHHAD = {"latitude": 36.2972, "longitude": 59.6067, "horizontal_accuracy": 12.5}
FILE_KINDS = {
    QuestionType.IMAGE: "photo",
    QuestionType.AUDIO: "voice",
    QuestionType.VIDEO: "video",
    QuestionType.FILE: "document",
}
TYPED: dict[QuestionType, list[str]] = {
    QuestionType.TEXT: ["Sara Ahmadi"],
    QuestionType.INTEGER: ["3", "20", "1", "0"],
    QuestionType.DECIMAL: ["2.5", "0"],
    QuestionType.DATE: ["1403/05/12"],
    QuestionType.TIME: ["۹:۳۰"],
}


def candidates(question: Question, state: SurveyState, sources: ChoiceSources, instances: int = 2) -> list[Any]:
    """Replies to try for ``question`` now: a choice by name, typed text, a location, a file.

    Choices: the last visible one (so or_other questions go to their "other" follow-up), all
    but the first for select_multiple; a repeat without a count gets ``instances`` instances.
    """
    kind = question.type
    choices = [c.name for c in visible_choices(question, state, sources)]
    if current_step(question, state) is Step.CONFIRM_DISTRICT:
        return [state.answers[question.name]["district_proposed"]]
    if kind is QuestionType.REPEAT_MORE:
        return ["yes" if (question.instance or 0) < instances else "no"]
    if kind in (QuestionType.SELECT_ONE, QuestionType.DISTRICT, QuestionType.AXIS):
        return [choices[-1], *choices]
    if kind is QuestionType.SELECT_MULTIPLE:
        return [choices[1:] or choices]
    if kind in (QuestionType.RANK, QuestionType.AXES_RANK):
        return choices[:1]
    if kind is QuestionType.RANGE:
        return [str(value) for value in question.range_values()]
    if kind is QuestionType.ACKNOWLEDGE:
        return ["OK"]
    if kind is QuestionType.GEOPOINT:
        return [MASHHAD]
    if kind in FILE_KINDS:
        return [{"file_id": f"file-{question.name}", "kind": FILE_KINDS[kind], "mime_type": "", "path": None}]
    if question.default:
        return [question.default, *TYPED.get(kind, [])]
    return TYPED[kind]
