"""Property tests of the survey engine on random definitions and replies, and of the evaluator
with answers that look like code: an answer is only ever data."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from backend.surveys.engine import (
    SurveyState,
    Valid,
    can_skip,
    display_value,
    next_question,
    prune,
    review,
    step_back,
    validate,
    visible_choices,
)
from backend.surveys.expressions import MAX_REGEX_INPUT, compile_expression
from backend.surveys.model import Question, QuestionType, SurveyDefinition
from backend.surveys.state import is_complete
from tests.hardening.helpers import EVAL_ATTACK, HTML_ATTACK, SQL_ATTACK
from tests.surveys.helpers import choices, make_sources, q

SOURCES = make_sources()
TYPES = [t.value for t in QuestionType if t is not QuestionType.REPEAT_MORE]  # the engine's own, never written
OWN_CHOICES = ("select_one", "select_multiple", "rank")
CONDITIONS = (  # relevant expressions over an earlier question {r}
    "${{{r}}} = 'a'",
    "${{{r}}} != ''",
    "selected(${{{r}}}, 'b')",
    "count-selected(${{{r}}}) >= 2",
    "${{{r}}} > 2",
    "string-length(${{{r}}}) > 3",
    "not(${{{r}}} = 'c') and ${{{r}}} != ''",
    "regex(${{{r}}}, '^[a-z]+$') or ${{{r}}} < 0",
    "${{{r}}} = 'transport' or ${{{r}}} = 'd01'",
    "if(${{{r}}} > 1, true(), false())",
    "${{{r}}} >= today()",
)
CONSTRAINTS = (
    ". > 0",
    ". != 'c'",
    "string-length(.) < 12",
    "regex(., '^[^x]*$')",
    ". <= 100",
    "count-selected(.) <= 2",
)
CODE_LIKE = [EVAL_ATTACK, SQL_ATTACK, HTML_ATTACK, "${a}", "') or true() or ('", "1 = 1", "__import__('os')", "."]
REPLIES = st.one_of(
    st.text(max_size=15),
    st.sampled_from(
        [
            "a",
            "b",
            "c",
            "d01",
            "d02",
            "samen",
            "transport",
            "economy",
            "OK",
            "3",
            "۴",
            "-1",
            "2.5",
            "1403/02/30",
            "2024-02-30",
            "1e9",
            *CODE_LIKE,
        ]
    ),
    st.lists(st.sampled_from(["a", "b", "c", "zzz", EVAL_ATTACK]), max_size=4),
)


@st.composite
def definitions(draw: st.DrawFn) -> SurveyDefinition:
    """A valid survey of 1-8 random questions whose expressions refer to earlier questions."""
    questions: list[dict[str, Any]] = []
    for index in range(draw(st.integers(1, 8))):
        kind = draw(st.sampled_from(TYPES))
        fields: dict[str, Any] = {}
        if kind != "note":
            fields["required"] = draw(st.booleans())
            if draw(st.booleans()):
                fields["constraint"] = draw(st.sampled_from(CONSTRAINTS))
        if kind in OWN_CHOICES:
            fields["choices"] = choices("a", "b", "c", zone={"zone": "north"})
            if kind == "rank" and draw(st.booleans()):
                fields["rank_count"] = draw(st.integers(1, 3))
        if kind == "axes_rank" and draw(st.booleans()):
            fields["rank_count"] = draw(st.integers(1, 6))
        if kind == "range":
            fields.update(start=1, end=5, step=1)
        if kind == "metadata":
            fields["metadata"] = draw(st.sampled_from(["start", "end", "today"]))
        if kind == "calculate":
            earlier = [f"${{{question['name']}}}" for question in questions]
            fields["calculation"] = draw(st.sampled_from(["1 + 1", "concat('a', 'b')", "today()", *earlier]))
        if questions and draw(st.booleans()):
            earlier = draw(st.sampled_from(questions))["name"]
            fields["relevant"] = draw(st.sampled_from(CONDITIONS)).format(r=earlier)
        if kind in (*OWN_CHOICES, "district") and draw(st.booleans()):
            fields["choice_filter"] = draw(st.sampled_from(["name != 'a'", "zone = 'north'", "name != 'samen'"]))
        questions.append(q(f"q{index}", kind, **fields))
    return SurveyDefinition.model_validate(
        {"code": "fuzz", "title": {"fa": "آزمون", "en": "Fuzz"}, "languages": ["fa", "en"], "questions": questions}
    )


FITTING = st.tuples(st.just("fit"), st.integers(0, 99))
ACTIONS = st.lists(
    st.one_of(
        FITTING,
        FITTING,
        FITTING,
        st.tuples(st.just("reply"), REPLIES),
        st.tuples(st.just("skip"), st.none()),
        st.tuples(st.just("back"), st.none()),
        st.tuples(st.just("edit"), st.integers(0, 7)),
    ),
    max_size=30,
)


def fitting(question: Question, state: SurveyState, seed: int) -> str | list[str]:
    """A reply of the kind the question asks for (its constraint may still refuse it)."""
    offered = [choice.name for choice in visible_choices(question, state, SOURCES)]
    if question.type is QuestionType.SELECT_MULTIPLE:
        return offered[seed % len(offered) :][:2]
    if offered and (question.type is not QuestionType.PROBLEM or question.name in state.answers):
        return offered[seed % len(offered)]
    return {
        QuestionType.INTEGER: str(seed % 7 - 1),
        QuestionType.DECIMAL: f"{seed % 5}.5",
        QuestionType.RANGE: str(1 + seed % 5),
        QuestionType.DATE: f"1403/01/{1 + seed % 28:02}",
        QuestionType.ACKNOWLEDGE: "OK",
    }.get(question.type, f"پاسخ شماره {seed} abc")


@pytest.mark.slow  # 300 random surveys answered to the end
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(defn=definitions(), actions=ACTIONS, lang=st.sampled_from(["fa", "en"]))
def test_random_surveys_never_ask_an_answered_question_and_never_fail(
    defn: SurveyDefinition, actions: list, lang: str
) -> None:  # type: ignore[type-arg]
    state = SurveyState(today=date(2024, 1, 1))
    for kind, payload in actions:
        question = next_question(defn, state, SOURCES)
        if question is None:
            break
        assert not state.visited(question.name) or not is_complete(question, state, SOURCES)
        assert question.name not in state.skipped
        if question.type is QuestionType.NOTE:
            state = state.skip(question.name)
        elif kind in ("reply", "fit"):
            reply = fitting(question, state, payload) if kind == "fit" else payload
            result = validate(question, reply, state, lang, SOURCES)  # Valid or Invalid, never an exception
            if isinstance(result, Valid):
                state = state.answer(question.name, result.value)
        elif kind == "skip" and can_skip(question):
            state = state.skip(question.name)
        elif kind == "back":
            state = step_back(defn, state, question.name)
        elif kind == "edit" and payload < len(defn.questions):
            state = prune(defn, state.clear(defn.questions[payload].name), SOURCES)
    assert prune(defn, state, SOURCES) == prune(defn, prune(defn, state, SOURCES), SOURCES)
    assert next_question(defn, state, SOURCES) == next_question(defn, state, SOURCES)  # pure
    for question, shown in review(defn, state, lang, SOURCES):
        assert shown is None or isinstance(shown, str)
        if question.name in state.answers:
            display_value(question, state.answers[question.name], lang, SOURCES)


GARBAGE = st.one_of(
    st.text(max_size=40), st.sampled_from(["${nobody} = 1", "${q0}", "regex(., x)", "((", "$", *CODE_LIKE])
)


@settings(max_examples=300, deadline=None)
@given(kind=st.sampled_from(TYPES), relevant=GARBAGE, constraint=GARBAGE, name=st.text(max_size=10))
def test_a_broken_definition_is_refused_with_a_validation_error(
    kind: str, relevant: str, constraint: str, name: str
) -> None:
    raw = {
        "code": "fuzz",
        "title": {"fa": "آزمون"},
        "languages": ["fa"],
        "questions": [
            {"name": "q0", "type": "text", "label": {"fa": "یک"}},
            {"name": name, "type": kind, "label": {"fa": "دو"}, "relevant": relevant, "constraint": constraint},
        ],
    }
    try:
        SurveyDefinition.model_validate(raw)
    except ValidationError:
        return


@given(value=st.one_of(st.text(), st.sampled_from(CODE_LIKE)), other=st.text())
def test_an_answer_that_looks_like_code_is_compared_as_text(value: str, other: str) -> None:
    answers = {"a": value, "b": other}
    assume(value != "admin")
    assert compile_expression("${a} = 'admin'").test(answers) is False
    assert compile_expression("${a} = ${a}").test(answers) is True
    assert compile_expression("${a} = ${b}").test(answers) is (value == other)
    assert compile_expression("string-length(${a})").evaluate(answers) == len(value)
    assert compile_expression("selected(${a}, 'admin')").test(answers) is ("admin" in value.split())
    expected = len(value) <= MAX_REGEX_INPUT and re.search("^adm.n$", value) is not None
    assert compile_expression("regex(${a}, '^adm.n$')").test(answers) is expected
    assert compile_expression("${b} = 'secret'").references == {"b"}  # what an answer says is never a reference
