from datetime import date
from decimal import Decimal

import pytest
from pydantic import ValidationError

from backend.surveys.errors import locate
from backend.surveys.model import Question, QuestionError, SurveyDefinition, localize
from backend.surveys.values import from_json, to_json
from tests.surveys.helpers import choices, q, survey


def test_json_dump_round_trips_with_the_same_fingerprint() -> None:
    defn = survey(
        q("r", "range", start=0, end=2, step="0.5"),
        q("c", "select_one", choices=choices("a", "b", a={"zone": "n"})),
        q("p", "problem", relevant="${r} > 1"),
    )
    again = SurveyDefinition.model_validate(defn.model_dump(mode="json"))
    assert again == defn
    assert again.fingerprint() == defn.fingerprint()


def test_fingerprint_changes_with_content() -> None:
    base = survey(q("a", "text"))
    assert survey(q("a", "text")).fingerprint() == base.fingerprint()
    assert survey(q("a", "text", required=True)).fingerprint() != base.fingerprint()
    assert survey(q("a", "integer")).fingerprint() != base.fingerprint()


def test_texts_put_the_default_language_first() -> None:
    defn = survey(q("a", "text", label={"en": "A", "fa": "الف"}, hint={"en": "h"}))
    assert list(defn.questions[0].label) == ["fa", "en"]
    assert localize(defn.questions[0].label, "en") == "A"
    assert localize(defn.questions[0].label, "de") == "الف"
    assert localize(defn.questions[0].hint, "fa") == "h"
    assert localize({}, "fa") == ""


def invalid(*questions: dict, **fields: object) -> str:
    with pytest.raises(ValidationError) as caught:
        survey(*questions, **fields)
    problem = locate(caught.value)
    return problem.describe()


@pytest.mark.parametrize(
    ("question", "message"),
    [
        (q("a", "select_one"), "question 'a', field 'choices': a select_one question needs choices"),
        (q("a", "district", choices=choices("x")), "field 'choices': a district question takes no choices"),
        (q("a", "select_one", choices=choices("x", "x")), "duplicate choice names: x"),
        (q("a", "range", start=1, end=5), "field 'step': a range question needs start, end and step"),
        (q("a", "range", start=5, end=1, step=1), "field 'end': a range needs start < end"),
        (q("a", "range", start=1, end=500, step=1), "at most 50 values"),
        (q("a", "integer", start=1), "field 'start': only range questions take"),
        (q("a", "note", required=True), "field 'required': a note takes no answer"),
        (q("a", "text", rank_count=2), "field 'rank_count'"),
        (q("a", "rank", choices=choices("x"), rank_count=2), "rank_count is larger"),
        (q("a", "text", choice_filter="x = 1"), "a text question has no choices to filter"),
        (q("a", "text", relevant="${a} = 1"), "cannot depend on its own answer"),
        (q("a", "text", constraint="foo()"), "field 'constraint': unknown function foo()"),
        (q("1a", "text"), "field 'name'"),
        (q("a", "colour"), "field 'type'"),
    ],
)
def test_question_errors_name_the_field(question: dict, message: str) -> None:
    assert message in invalid(question)


def test_survey_errors() -> None:
    assert "another question has the same name" in invalid(q("a"), q("a"))
    assert "refers to unknown question 'b'" in invalid(q("a", relevant="${b} = 1"))
    assert "field 'title'" in invalid(q("a"), title={"en": "only English"})
    assert "a language is listed twice" in invalid(q("a"), languages=["fa", "fa"])
    assert "field 'code'" in invalid(q("a"), code="Bad Code")


def test_question_error_message() -> None:
    assert str(QuestionError("a", "label", "missing")) == "question 'a', field 'label': missing"
    assert str(QuestionError(None, None, "missing")) == "missing"


@pytest.mark.parametrize(
    ("type_", "value", "stored"),
    [
        ("date", date(2024, 8, 2), "2024-08-02"),
        ("decimal", Decimal("2.5"), "2.5"),
        ("range", Decimal("1.5"), "1.5"),
        ("range", 3, 3),
        ("integer", 7, 7),
        ("rank", ["b", "a"], ["b", "a"]),
        ("problem", {"text": "x", "axis": "economy"}, {"text": "x", "axis": "economy"}),
        ("text", "سلام", "سلام"),
    ],
)
def test_values_to_and_from_json(type_: str, value: object, stored: object) -> None:
    fields = {"choices": choices("a", "b")} if type_ == "rank" else {}
    if type_ == "range":
        fields = {"start": 0, "end": 5, "step": "0.5"}
    question = Question.model_validate(q("x", type_, **fields))
    assert to_json(value) == stored
    assert from_json(question, to_json(value)) == value
