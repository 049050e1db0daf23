"""Survey definitions: a survey, its questions and their choices (pydantic v2, immutable).

Localized texts are ``dict[lang, str]``; validation reorders them so the survey's default
language comes first, which is what ``localize`` falls back to. Every relevant, constraint
and choice_filter is compiled when the definition is validated, so a loaded definition
never fails at answer time.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator, model_validator

from backend.surveys.expressions import ExpressionError, compile_expression
from backend.surveys.languages import LANGUAGE_PATTERN

NAME_PATTERN = r"^[A-Za-z_][A-Za-z0-9_.-]{0,63}$"
CODE_PATTERN = r"^[a-z][a-z0-9_]{0,63}$"
MAX_RANGE_VALUES = 50

Texts = dict[str, str]
_TEXT_FIELDS = ("label", "hint", "constraint_message", "required_message")


class QuestionType(StrEnum):
    """What a question asks for. district, axis, axes_rank and problem take their choices from the
    plan; calculate and metadata are never asked (computed, or filled from the response);
    repeat_more is the engine's own "add another?" of a repeat."""

    TEXT = "text"
    INTEGER = "integer"
    DECIMAL = "decimal"
    RANGE = "range"
    SELECT_ONE = "select_one"
    SELECT_MULTIPLE = "select_multiple"
    RANK = "rank"
    DATE = "date"
    NOTE = "note"
    ACKNOWLEDGE = "acknowledge"
    DISTRICT = "district"
    AXIS = "axis"
    AXES_RANK = "axes_rank"
    PROBLEM = "problem"
    TIME = "time"
    GEOPOINT = "geopoint"
    IMAGE = "image"
    AUDIO = "audio"
    VIDEO = "video"
    FILE = "file"
    CALCULATE = "calculate"
    METADATA = "metadata"
    REPEAT_MORE = "repeat_more"


OWN_CHOICE_TYPES = frozenset({QuestionType.SELECT_ONE, QuestionType.SELECT_MULTIPLE, QuestionType.RANK})
PLAN_CHOICE_SOURCES: Mapping[QuestionType, str] = {
    QuestionType.DISTRICT: "district",
    QuestionType.AXIS: "axis",
    QuestionType.AXES_RANK: "axis",
    QuestionType.PROBLEM: "axis",
}
SINGLE_CHOICE_TYPES = frozenset({QuestionType.SELECT_ONE, QuestionType.DISTRICT, QuestionType.AXIS})
RANK_TYPES = frozenset({QuestionType.RANK, QuestionType.AXES_RANK})
FILE_TYPES = frozenset({QuestionType.IMAGE, QuestionType.AUDIO, QuestionType.VIDEO, QuestionType.FILE})
NOT_ASKED = frozenset({QuestionType.CALCULATE, QuestionType.METADATA})
METADATA_KINDS = frozenset({"start", "end", "today"})
OTHER_CHOICE = "other"  # the choice an or_other select adds (pyxform's name for it)
INSTANCE_MARK = "#"  # a repeat member's answer in instance i is stored as "<name>#<i>"


class QuestionError(ValueError):
    """A definition problem located in one question (``question``) and field (``field``)."""

    def __init__(self, question: str | None, field: str | None, reason: str) -> None:
        where = ", ".join(
            part for part in (question and f"question {question!r}", field and f"field {field!r}") if part
        )
        super().__init__(f"{where}: {reason}" if where else reason)
        self.question = question
        self.field = field
        self.reason = reason


def localize(texts: Mapping[str, str], lang: str) -> str:
    """The text in ``lang``, else in the default (first) language, else ""."""
    return texts.get(lang) or next(iter(texts.values()), "")


def range_value(number: Decimal) -> int | Decimal:
    """A range answer's value: an int when whole, else the Decimal without trailing zeros."""
    return int(number) if number == number.to_integral_value() else number.normalize()


def fold_relevant(outer: str | None, inner: str | None) -> str | None:
    """Combine a group's relevant with a member's own: both must hold."""
    if not outer or not inner:
        return outer or inner
    return f"({outer}) and ({inner})"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Choice(_Strict):
    """One option of a choice list; ``extra`` holds further columns for choice filters."""

    model_config = ConfigDict(extra="forbid", frozen=True, coerce_numbers_to_str=True)

    name: str = Field(pattern=r"^\S{1,64}$")
    label: Texts = Field(min_length=1)
    extra: dict[str, str] = {}

    def columns(self) -> dict[str, str]:
        """The columns a choice filter sees: the extra columns plus ``name``."""
        return {**self.extra, "name": self.name}


def _compile(question: str, field: str, text: str | None, *, allow_columns: bool = False) -> set[str]:
    """Compile one expression field and return its references; raise QuestionError if invalid."""
    if text is None:
        return set()
    try:
        return compile_expression(text, allow_columns=allow_columns).references
    except ExpressionError as exc:
        raise QuestionError(question, field, str(exc)) from None


class Question(_Strict):
    """One question. ``choices`` only for select_one/select_multiple/rank; plan-aware types get
    theirs from the caller's choice sources. ``start``/``end``/``step`` only for range."""

    name: str = Field(pattern=NAME_PATTERN)
    type: QuestionType
    label: Texts = {}
    hint: Texts = {}
    required: bool = False
    relevant: str | None = None
    constraint: str | None = None
    constraint_message: Texts = {}
    required_message: Texts = {}
    choices: list[Choice] = []
    choice_filter: str | None = None
    group: str | None = None
    appearance: str | None = None
    parameters: dict[str, str] = {}
    start: Decimal | None = None
    end: Decimal | None = None
    step: Decimal | None = None
    rank_count: int | None = Field(default=None, ge=1)
    calculation: str | None = None
    default: str | None = None
    read_only: bool = False
    or_other: bool = False
    other_of: str | None = None
    metadata: str | None = None
    repeat: str | None = None
    instance: int | None = None  # set on a repeat member's copy for one instance, never in a definition

    @field_validator(
        "relevant", "constraint", "choice_filter", "group", "appearance", "calculation", "default", mode="before"
    )
    @classmethod
    def _blank_is_none(cls, value: Any) -> Any:
        if isinstance(value, str) and not value.strip():
            return None
        return value

    @property
    def choice_source(self) -> str | None:
        """The choice-source key ("district" or "axis") for plan-aware types, else None."""
        return PLAN_CHOICE_SOURCES.get(self.type)

    def range_values(self) -> list[int | Decimal]:
        """The values a range question offers, from start to end by step, as answer values."""
        if self.start is None or self.end is None or self.step is None:
            return []
        count = int((self.end - self.start) / self.step) + 1
        return [range_value(self.start + i * self.step) for i in range(count)]

    @model_validator(mode="after")
    def _check(self) -> Question:
        self._check_kind_fields()
        self._check_choices()
        self._check_range()
        _compile(self.name, "relevant", self.relevant)
        _compile(self.name, "constraint", self.constraint)
        _compile(self.name, "choice_filter", self.choice_filter, allow_columns=True)
        _compile(self.name, "calculation", self.calculation)
        return self

    def _check_kind_fields(self) -> None:
        if self.type is QuestionType.NOTE and (self.required or self.constraint):
            field = "required" if self.required else "constraint"
            raise QuestionError(self.name, field, "a note takes no answer, so it cannot be required or constrained")
        if self.rank_count is not None and self.type not in RANK_TYPES:
            raise QuestionError(self.name, "rank_count", "only rank and axes_rank questions take rank_count")
        if self.choice_filter and self.type not in OWN_CHOICE_TYPES and self.choice_source is None:
            raise QuestionError(self.name, "choice_filter", f"a {self.type} question has no choices to filter")
        if self.type is QuestionType.REPEAT_MORE:
            raise QuestionError(self.name, "type", "repeat_more is the engine's own question; write a repeat")
        if self.calculation is not None and self.type is not QuestionType.CALCULATE:
            raise QuestionError(self.name, "calculation", "only calculate questions take a calculation")
        if (self.metadata is None) != (self.type is not QuestionType.METADATA):
            raise QuestionError(self.name, "metadata", "a metadata question needs its kind, and only it takes one")
        if self.metadata is not None and self.metadata not in METADATA_KINDS:
            raise QuestionError(self.name, "metadata", f"metadata is one of {', '.join(sorted(METADATA_KINDS))}")
        if self.or_other and self.type not in (QuestionType.SELECT_ONE, QuestionType.SELECT_MULTIPLE):
            raise QuestionError(self.name, "or_other", "only select_one and select_multiple take or_other")

    def _check_choices(self) -> None:
        if self.type not in OWN_CHOICE_TYPES:
            if self.choices:
                raise QuestionError(self.name, "choices", f"a {self.type} question takes no choices of its own")
            return
        if not self.choices:
            raise QuestionError(self.name, "choices", f"a {self.type} question needs choices")
        if self.rank_count is not None and self.rank_count > len(self.choices):
            raise QuestionError(self.name, "rank_count", "rank_count is larger than the number of choices")

    def _check_range(self) -> None:
        bounds = {"start": self.start, "end": self.end, "step": self.step}
        if self.type is not QuestionType.RANGE:
            extra = [field for field, value in bounds.items() if value is not None]
            if extra:
                raise QuestionError(self.name, extra[0], "only range questions take start, end and step")
            return
        missing = [field for field, value in bounds.items() if value is None]
        if missing:
            raise QuestionError(self.name, missing[0], "a range question needs start, end and step")
        assert self.start is not None and self.end is not None and self.step is not None
        if self.end <= self.start:
            raise QuestionError(self.name, "end", "a range needs start < end")
        if self.step <= 0:
            raise QuestionError(self.name, "step", "a range needs a positive step")
        if (self.end - self.start) / self.step >= MAX_RANGE_VALUES:
            raise QuestionError(self.name, "step", f"a range is shown as buttons: at most {MAX_RANGE_VALUES} values")


def _default_first(texts: Any, languages: list[str]) -> Any:
    """Reorder a raw localized mapping so it follows ``languages``; leave anything else alone."""
    if not isinstance(texts, dict):
        return texts
    rank = {lang: i for i, lang in enumerate(languages)}
    return dict(sorted(texts.items(), key=lambda item: rank.get(item[0], len(rank))))


def _raw(item: Any) -> Any:
    return item.model_dump(exclude_defaults=True) if isinstance(item, BaseModel) else item


def _ordered_question(question: Any, languages: list[str]) -> Any:
    """A raw question (or Question) as a dict whose texts follow ``languages``."""
    raw = _raw(question)
    if not isinstance(raw, dict):
        return raw
    ordered = {key: _default_first(value, languages) if key in _TEXT_FIELDS else value for key, value in raw.items()}
    if isinstance(ordered.get("choices"), list):
        ordered["choices"] = [
            {**c, "label": _default_first(c.get("label"), languages)} if isinstance(c, dict) else c
            for c in map(_raw, ordered["choices"])
        ]
    return ordered


class Repeat(_Strict):
    """A repeat group: its members (questions with ``repeat`` = name) are asked once per instance,
    ``count`` times (an expression) or else for as long as the respondent adds another."""

    name: str = Field(pattern=NAME_PATTERN)
    label: Texts = {}
    count: str | None = None
    relevant: str | None = None

    @model_validator(mode="after")
    def _check(self) -> Repeat:
        _compile(self.name, "count", self.count)
        _compile(self.name, "relevant", self.relevant)
        return self

    def more_question(self, instance: int) -> Question:
        """The engine's "add another?" asked after ``instance`` instances (0: before the first)."""
        return Question.model_construct(
            name=f"{self.name}{INSTANCE_MARK}{instance}",
            type=QuestionType.REPEAT_MORE,
            label=self.label,
            required=True,
            relevant=self.relevant,
            repeat=self.name,
            instance=instance,
        )


def instance_copy(question: Question, instance: int) -> Question:
    """A repeat member as asked in ``instance`` (1-based): its answer is stored as "name#instance"."""
    return question.model_copy(update={"name": f"{question.name}{INSTANCE_MARK}{instance}", "instance": instance})


class SurveyDefinition(_Strict):
    """A survey: its code, texts, languages (default first) and questions in asking order.

    ``allow_choice_duplicates`` lets a choice list repeat a name (told apart by a choice_filter);
    ``instance_name`` is kept from the form's settings for exports."""

    code: str = Field(pattern=CODE_PATTERN)
    version: str | None = None
    title: Texts = Field(min_length=1)
    description: Texts = {}
    languages: list[Annotated[str, StringConstraints(pattern=LANGUAGE_PATTERN)]] = Field(min_length=1)
    allow_multiple_responses: bool = False
    allow_choice_duplicates: bool = False
    instance_name: str | None = None
    questions: list[Question] = Field(min_length=1)
    repeats: list[Repeat] = []

    @model_validator(mode="before")
    @classmethod
    def _order_texts(cls, data: Any) -> Any:
        if not isinstance(data, dict) or not isinstance(data.get("languages"), list):
            return data
        languages = data["languages"]
        ordered = {**data}
        for field in ("title", "description"):
            if field in ordered:
                ordered[field] = _default_first(ordered[field], languages)
        for field in ("questions", "repeats"):
            if isinstance(ordered.get(field), list):
                ordered[field] = [_ordered_question(q, languages) for q in ordered[field]]
        return ordered

    @field_validator("languages")
    @classmethod
    def _check_languages(cls, languages: list[str]) -> list[str]:
        if len(set(languages)) != len(languages):
            raise ValueError("a language is listed twice")
        return languages

    @property
    def default_language(self) -> str:
        return self.languages[0]

    def question(self, name: str) -> Question:
        """The question called ``name``; KeyError if there is none."""
        for question in self.questions:
            if question.name == name:
                return question
        raise KeyError(name)

    def stored_question(self, name: str) -> Question:
        """The question a stored answer name stands for: a question, a repeat member in one
        instance ("age#2") or a repeat's "add another?" ("member#1"); KeyError if none."""
        base, _, instance = name.partition(INSTANCE_MARK)
        if not instance:
            return self.question(name)
        if not instance.isdigit():
            raise KeyError(name)
        if base in {repeat.name for repeat in self.repeats}:
            return self.repeat(base).more_question(int(instance))
        return instance_copy(self.question(base), int(instance))

    def repeat(self, name: str) -> Repeat:
        """The repeat called ``name``; KeyError if there is none."""
        for repeat in self.repeats:
            if repeat.name == name:
                return repeat
        raise KeyError(name)

    def fingerprint(self) -> str:
        """A stable SHA-256 hex digest of the whole definition, for survey versioning."""
        canonical = json.dumps(self.model_dump(mode="json"), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()

    @model_validator(mode="after")
    def _check(self) -> SurveyDefinition:
        default = self.default_language
        if default not in self.title:
            raise QuestionError(None, "title", f"needs a text in the default language {default!r}")
        repeats = {r.name for r in self.repeats}
        names = {q.name for q in self.questions} | repeats
        seen: set[str] = set()
        for question in self.questions:
            if question.name in seen or question.name in repeats:
                what = "a repeat" if question.name in repeats else "another question"
                raise QuestionError(question.name, "name", f"{what} has the same name")
            seen.add(question.name)
            if question.repeat is not None and question.repeat not in repeats:
                raise QuestionError(question.name, "repeat", f"unknown repeat {question.repeat!r}")
            if not self.allow_choice_duplicates:
                self._check_unique_choices(question)
            self._check_texts(question, default)
            self._check_references(question, names)
        for repeat in self.repeats:
            unknown = sorted(_compile(repeat.name, "count", repeat.count) - names)
            if unknown:
                raise QuestionError(repeat.name, "count", f"refers to unknown question {unknown[0]!r}")
        return self

    @staticmethod
    def _check_unique_choices(question: Question) -> None:
        names = [choice.name for choice in question.choices]
        duplicates = sorted({name for name in names if names.count(name) > 1})
        if duplicates:
            raise QuestionError(
                question.name,
                "choices",
                f"duplicate choice names: {', '.join(duplicates)} (allow_choice_duplicates is not set)",
            )

    @staticmethod
    def _check_texts(question: Question, default: str) -> None:
        if question.type not in NOT_ASKED and default not in question.label:
            raise QuestionError(question.name, "label", f"needs a text in the default language {default!r}")
        for index, choice in enumerate(question.choices):
            if default not in choice.label:
                raise QuestionError(
                    question.name,
                    f"choices.{index}.label",
                    f"choice {choice.name!r} needs a label in the default language {default!r}",
                )

    @staticmethod
    def _check_references(question: Question, names: set[str]) -> None:
        for field in ("relevant", "constraint", "choice_filter", "calculation"):
            references = _compile(
                question.name, field, getattr(question, field), allow_columns=field == "choice_filter"
            )
            unknown = sorted(references - names)
            if unknown:
                raise QuestionError(question.name, field, f"refers to unknown question {unknown[0]!r}")
            if field == "relevant" and question.name in references:
                raise QuestionError(question.name, field, "a question cannot depend on its own answer to be asked")
