"""Turn one raw reply into an answer value or a stable error code.

Error codes (the bot maps each to a localized default message): ``required`` (blank reply to
a required question), ``empty`` (blank reply to an optional one; use skip instead),
``not_integer``, ``not_decimal``, ``not_number``, ``out_of_range``,
``not_in_step``, ``not_a_choice``, ``incomplete`` (a submitted ranking of the wrong length),
``not_date``, ``not_time``, ``not_location``, ``not_image``/``not_audio``/``not_video``/
``not_file`` (a reply that is not the kind of file asked for), ``not_acknowledged`` and
``constraint`` (the question's constraint failed; ``message`` is then the survey's
constraint_message, or None if it gives none); a required question left blank gives
``required`` with the survey's required_message, if any.

Problems, ranks and (with district boundaries) geopoints take several replies (see
``Step``): each valid reply returns the value so far, with ``needs`` naming the step still
missing; store it with ``SurveyState.answer`` either way and ask ``next_question`` again.

A reply is typed text, a choice name, a list of names (select_multiple, rank), or a mapping:
a shared location or venue for a geopoint, or a received file
{"file_id", "kind" (photo, document, voice, audio, video, video_note), "mime_type", "path"}.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from backend.jalali import parse_date
from backend.surveys.expressions import compile_expression
from backend.surveys.location import district_at, read_point
from backend.surveys.model import (
    FILE_TYPES,
    PLAN_CHOICE_SOURCES,
    RANK_TYPES,
    SINGLE_CHOICE_TYPES,
    Choice,
    Question,
    QuestionType,
    localize,
    range_value,
)
from backend.surveys.state import (
    ChoiceSources,
    SurveyState,
    as_expression_value,
    expression_answers,
    filtered_choices,
    rank_target,
    visible_choices,
)
from backend.text import normalize_persian, parse_decimal, parse_int, to_latin_digits

ACKNOWLEDGED = "OK"
_LIST_SEPARATORS = re.compile(r"[\s,،]+")


class Step(StrEnum):
    """What the next reply to a question must supply."""

    ANSWER = "answer"  # the whole answer in one reply
    PROBLEM_TEXT = "problem_text"  # a problem's description
    PROBLEM_AXIS = "problem_axis"  # the axis of the problem just described
    RANK_PICK = "rank_pick"  # the next choice of a ranking
    CONFIRM_DISTRICT = "confirm_district"  # confirm (or correct) the district a shared point falls in


@dataclass(frozen=True)
class Valid:
    """An accepted reply: ``value`` to store; ``needs`` is the step still missing, or None."""

    value: Any
    needs: Step | None = None


@dataclass(frozen=True)
class Invalid:
    """A rejected reply: a stable ``code`` and the survey's own ``message`` if it has one."""

    code: str
    message: str | None = None


Result = Valid | Invalid
Raw = str | Sequence[str] | Mapping[str, Any]
REPEAT_ANSWERS = ("yes", "no")  # a repeat's "add another?"
_TIME = re.compile(r"\s*(\d{1,2})\s*[:.]\s*(\d{2})\s*")
# what each file question accepts: the messenger's kinds of file, or a document of these media types
_FILE_KINDS = {
    QuestionType.IMAGE: ({"photo"}, "image/"),
    QuestionType.AUDIO: ({"voice", "audio"}, "audio/"),
    QuestionType.VIDEO: ({"video", "video_note"}, "video/"),
    QuestionType.FILE: ({"document", "photo", "audio", "voice", "video"}, ""),
}


@dataclass(frozen=True)
class _Reply:
    """A reply with what the type parsers need to read it."""

    question: Question
    raw: Raw
    text: str
    state: SurveyState
    choice_sources: ChoiceSources


def current_step(question: Question, state: SurveyState) -> Step:
    """The step a reply to ``question`` answers now, given its partial value in ``state``."""
    if question.type is QuestionType.PROBLEM:
        return Step.PROBLEM_AXIS if isinstance(state.answers.get(question.name), Mapping) else Step.PROBLEM_TEXT
    if question.type in RANK_TYPES:
        return Step.RANK_PICK
    value = state.answers.get(question.name)
    if question.type is QuestionType.GEOPOINT and isinstance(value, Mapping) and "district_proposed" in value:
        return Step.CONFIRM_DISTRICT
    return Step.ANSWER


def match_choice(raw: str, choices: Sequence[Choice]) -> str | None:
    """The name of the choice whose name, or label in any language, the reply is; else None."""
    text = raw.strip()
    for choice in choices:
        if choice.name == text:
            return choice.name
    folded = normalize_persian(text).casefold()
    for choice in choices:
        if any(normalize_persian(label).casefold() == folded for label in choice.label.values()):
            return choice.name
    return None


def _as_text(raw: Raw) -> str:
    if isinstance(raw, Mapping):
        return ""
    return raw if isinstance(raw, str) else " ".join(raw)


def _as_list(raw: Raw) -> list[str]:
    if isinstance(raw, Mapping):
        return []
    return [part for part in _LIST_SEPARATORS.split(raw) if part] if isinstance(raw, str) else list(raw)


def _text(reply: _Reply) -> Result:
    return Valid(reply.text.strip())  # its length is checked on arrival, against MEYDAN_MAX_TEXT_LENGTH


def _integer(reply: _Reply) -> Result:
    value = parse_int(reply.text)
    return Invalid("not_integer") if value is None else Valid(value)


def _decimal(reply: _Reply) -> Result:
    value = parse_decimal(reply.text)
    return Invalid("not_decimal") if value is None else Valid(value)


def _range(reply: _Reply) -> Result:
    question = reply.question
    value = parse_decimal(reply.text)
    if value is None:
        return Invalid("not_number")
    assert question.start is not None and question.end is not None and question.step is not None
    if not question.start <= value <= question.end:
        return Invalid("out_of_range")
    if (value - question.start) % question.step:
        return Invalid("not_in_step")
    return Valid(range_value(value))


def _single_choice(reply: _Reply) -> Result:
    name = match_choice(reply.text, filtered_choices(reply.question, reply.state, reply.choice_sources))
    return Invalid("not_a_choice") if name is None else Valid(name)


def _multiple_choice(reply: _Reply) -> Result:
    choices = filtered_choices(reply.question, reply.state, reply.choice_sources)
    names = [match_choice(part, choices) for part in _as_list(reply.raw)]
    if not names or None in names:
        return Invalid("not_a_choice")
    return Valid([c.name for c in choices if c.name in names])


def _rank(reply: _Reply) -> Result:
    question, state, sources = reply.question, reply.state, reply.choice_sources
    target = rank_target(question, state, sources)
    if not isinstance(reply.raw, str):  # a whole ranking submitted at once
        choices = filtered_choices(question, state, sources)
        names = [match_choice(part, choices) for part in reply.raw]
        if None in names or len(set(names)) != len(names):
            return Invalid("not_a_choice")
        return Valid(names) if len(names) == target else Invalid("incomplete")
    remaining = visible_choices(question, state, sources)
    name = match_choice(reply.text, remaining)
    if name is None:
        return Invalid("not_a_choice")
    ranked = [*(state.answers.get(question.name) or ()), name]
    if len(ranked) == target - 1 and len(remaining) == 2:  # the last place is forced
        ranked += [c.name for c in remaining if c.name != name]
    return Valid(ranked, None if len(ranked) >= target else Step.RANK_PICK)


def _date(reply: _Reply) -> Result:
    value = parse_date(reply.text)
    return Invalid("not_date") if value is None else Valid(value)


def _acknowledge(reply: _Reply) -> Result:
    return (
        Valid(ACKNOWLEDGED) if reply.text.strip().casefold() == ACKNOWLEDGED.casefold() else Invalid("not_acknowledged")
    )


def _problem(reply: _Reply) -> Result:
    question, state = reply.question, reply.state
    if current_step(question, state) is Step.PROBLEM_TEXT:
        text = _text(reply)
        return Valid({"text": text.value}, Step.PROBLEM_AXIS) if isinstance(text, Valid) else text
    axis = match_choice(reply.text, filtered_choices(question, state, reply.choice_sources))
    if axis is None:
        return Invalid("not_a_choice")
    return Valid({"text": state.answers[question.name]["text"], "axis": axis})


def _time(reply: _Reply) -> Result:
    match = _TIME.fullmatch(to_latin_digits(reply.text))
    if match is None or int(match[1]) > 23 or int(match[2]) > 59:
        return Invalid("not_time")
    return Valid(f"{int(match[1]):02d}:{match[2]}")


def _geopoint(reply: _Reply) -> Result:
    """A shared point; where the plan has district boundaries, the district it falls in is
    proposed and the next reply confirms it (or names the right one)."""
    question, state = reply.question, reply.state
    districts = reply.choice_sources.get(PLAN_CHOICE_SOURCES[QuestionType.DISTRICT], ())
    if current_step(question, state) is Step.CONFIRM_DISTRICT:
        district = match_choice(reply.text, districts)
        return (
            Invalid("not_a_choice")
            if district is None
            else Valid({**state.answers[question.name], "district": district})
        )
    point = read_point(reply.raw if isinstance(reply.raw, Mapping) else reply.text)
    if point is None:
        return Invalid("not_location")
    proposed = district_at(point["latitude"], point["longitude"], districts)
    return Valid(point) if proposed is None else Valid({**point, "district_proposed": proposed}, Step.CONFIRM_DISTRICT)


def accepts_file(question: Question, kind: str, mime_type: str | None) -> bool:
    """Whether a file question takes a file of this kind (a document by its media type)."""
    if question.type not in _FILE_KINDS:
        return False
    kinds, media = _FILE_KINDS[question.type]
    return kind in kinds or (kind == "document" and (mime_type or "").startswith(media))


def _file(reply: _Reply) -> Result:
    raw = reply.raw
    if (
        not isinstance(raw, Mapping)
        or not raw.get("file_id")
        or not accepts_file(reply.question, str(raw.get("kind")), raw.get("mime_type"))
    ):
        return Invalid(f"not_{reply.question.type.value}")
    return Valid({"file_id": raw["file_id"], "path": raw.get("path")})


def _repeat_more(reply: _Reply) -> Result:
    answer = reply.text.strip()
    return Valid(answer) if answer in REPEAT_ANSWERS else Invalid("not_a_choice")


_PARSERS: dict[QuestionType, Callable[[_Reply], Result]] = {
    QuestionType.TEXT: _text,
    QuestionType.INTEGER: _integer,
    QuestionType.DECIMAL: _decimal,
    QuestionType.RANGE: _range,
    **dict.fromkeys(SINGLE_CHOICE_TYPES, _single_choice),
    QuestionType.SELECT_MULTIPLE: _multiple_choice,
    **dict.fromkeys(RANK_TYPES, _rank),
    QuestionType.DATE: _date,
    QuestionType.ACKNOWLEDGE: _acknowledge,
    QuestionType.PROBLEM: _problem,
    QuestionType.TIME: _time,
    QuestionType.GEOPOINT: _geopoint,
    **dict.fromkeys(FILE_TYPES, _file),
    QuestionType.REPEAT_MORE: _repeat_more,
}


def _is_blank(raw: Raw) -> bool:
    if isinstance(raw, Mapping):
        return not raw
    parts = [raw] if isinstance(raw, str) else list(raw)
    return not any(normalize_persian(part).strip() for part in parts)


def _constraint_subject(question: Question, result: Valid) -> tuple[bool, Any]:
    """(whether to check the constraint now, the value ``.`` stands for)."""
    if question.type is QuestionType.PROBLEM:
        return result.needs is Step.PROBLEM_AXIS, result.value["text"]
    if question.type is QuestionType.GEOPOINT or question.type in FILE_TYPES:
        return result.needs is None, as_expression_value(result.value)
    return result.needs is None, result.value


def validate(question: Question, raw: Raw, state: SurveyState, lang: str, choice_sources: ChoiceSources) -> Result:
    """Validate one reply to ``question`` (typed text, a choice name, or for select_multiple
    and rank a list of names) and return Valid(value, needs) or Invalid(code, message).

    Digits may be Persian, Arabic-Indic or Latin; a choice may be given by name or label.
    The constraint is checked with ``.`` as the value (a problem's text, at its first
    step; a ranking once complete). Raises ValueError for a note, which takes no reply.
    """
    if question.type in (QuestionType.NOTE, QuestionType.CALCULATE, QuestionType.METADATA):
        raise ValueError(f"{question.type} {question.name!r} takes no reply")
    if isinstance(raw, Mapping) and question.type is not QuestionType.GEOPOINT and question.type not in FILE_TYPES:
        return Invalid("unexpected_media")
    if _is_blank(raw):
        return (
            Invalid("required", localize(question.required_message, lang) or None)
            if question.required
            else Invalid("empty")
        )
    result = _PARSERS[question.type](_Reply(question, raw, _as_text(raw), state, choice_sources))
    if isinstance(result, Invalid) or question.constraint is None:
        return result
    due, subject = _constraint_subject(question, result)
    if due and not compile_expression(question.constraint).test(
        expression_answers(state, question), subject, today=state.today
    ):
        return Invalid("constraint", localize(question.constraint_message, lang) or None)
    return result
