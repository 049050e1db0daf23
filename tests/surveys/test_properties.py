"""Property tests: the evaluator only ever fails with ExpressionError, and the engine always
terminates and never asks a question that is already answered."""

from datetime import date
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backend.surveys.engine import (
    SurveyState,
    Valid,
    next_question,
    prune,
    step_back,
    validate,
    visible_choices,
)
from backend.surveys.expressions import ExpressionError, compile_expression
from backend.surveys.model import QuestionType
from backend.surveys.state import is_complete
from tests.surveys.helpers import choices, make_sources, q, survey

TOKENS = [
    "${a}", "${b}", "${m}", ".", "'x'", '"y"', "1", "2.5", ".5", "=", "!=", "<", "<=", ">", ">=",
    "and", "or", "div", "mod", "+", "-", "*", "(", ")", ",", "not(", "selected(", "count-selected(",
    "string-length(", "regex(", "if(", "number(", "int(", "string(", "today()", "true()", "false()",
    "'^a+$'", "zone", "__import__(", "[", "$", "{", "}", "'", "1e5", "٣",
]  # fmt: skip
ANSWER_VALUES = st.one_of(
    st.none(),
    st.text(max_size=20),
    st.integers(),
    st.floats(allow_nan=True),
    st.decimals(allow_nan=False),
    st.dates(),
    st.lists(st.text(max_size=5), max_size=4),
    st.booleans(),
)
EXPRESSIONS = st.one_of(st.text(max_size=80), st.lists(st.sampled_from(TOKENS), max_size=25).map(" ".join))


@settings(max_examples=400, deadline=None)
@given(text=EXPRESSIONS, answers=st.dictionaries(st.sampled_from("abm"), ANSWER_VALUES), current=ANSWER_VALUES)
def test_evaluator_fails_only_with_expression_error(text: str, answers: dict, current: object) -> None:
    for allow_columns in (False, True):
        try:
            expression = compile_expression(text, allow_columns=allow_columns)
        except ExpressionError as exc:
            assert 0 <= exc.position <= len(text)
            continue
        expression.evaluate(answers, current, columns={"zone": "n"}, today=date(2024, 1, 1))


DEFN = survey(
    q("intro", "note"),
    q("home", "district", required=True),
    q("zone", "select_one", choices=choices("north", "south")),
    q("near", "district", choice_filter="zone = ${zone}", relevant="${zone} != ''"),
    q("pets", "select_multiple", choices=choices("cat", "dog", "fish")),
    q("cats", "integer", relevant="selected(${pets}, 'cat')", constraint=". >= 0"),
    q("score", "range", start=1, end=5, step=1, relevant="${cats} > 1 or count-selected(${pets}) = 3"),
    q("order", "rank", choices=choices("a", "b", "c")),
    q("top", "axes_rank", rank_count=2, relevant="not(selected(${order}, 'x'))"),
    q("issue", "problem", required=True, constraint="string-length(.) > 3"),
    q("when", "date", relevant="${score} >= 3"),
    q("ok", "acknowledge"),
    q("amount", "decimal"),
    q("comment", "text"),
)
SOURCES = make_sources()
NAMES = [question.name for question in DEFN.questions]
REPLIES = st.one_of(
    st.text(max_size=12),
    st.sampled_from(["north", "south", "d01", "d02", "samen", "cat", "dog", "fish", "a", "b", "c", "OK"]),
    st.sampled_from(["economy", "transport", "governance", "۳", "٤", "12", "1.5", "1403/05/12", "2024-01-01"]),
    st.lists(st.sampled_from(["cat", "dog", "fish", "a", "b", "c", "zzz"]), max_size=4),
)
ACTIONS = st.one_of(
    st.tuples(st.just("reply"), REPLIES),
    st.tuples(st.just("skip"), st.none()),
    st.tuples(st.just("back"), st.none()),
    st.tuples(st.just("edit"), st.sampled_from(NAMES)),
)


def assert_not_answered(question, state: SurveyState) -> None:
    assert question.name not in state.skipped
    assert not is_complete(question, state, SOURCES)


def finishing_reply(question, state: SurveyState) -> str:
    """A reply that is always valid, to drive the survey to its end."""
    if question.type is QuestionType.PROBLEM and question.name in state.answers:
        return "transport"
    if question.type in (QuestionType.TEXT, QuestionType.PROBLEM):
        return "a long enough text"
    if question.type in (QuestionType.INTEGER, QuestionType.DECIMAL, QuestionType.RANGE):
        return "3"
    if question.type is QuestionType.DATE:
        return "1403/01/01"
    if question.type is QuestionType.ACKNOWLEDGE:
        return "OK"
    return visible_choices(question, state, SOURCES)[0].name


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(actions=st.lists(ACTIONS, max_size=40), lang=st.sampled_from(["fa", "en"]))
def test_engine_terminates_and_never_asks_an_answered_question(actions: list, lang: str) -> None:
    state = SurveyState(today=date(2024, 1, 1))
    for kind, payload in actions:
        question = next_question(DEFN, state, SOURCES)
        if question is None:
            break
        assert_not_answered(question, state)
        if kind == "reply" and question.type is not QuestionType.NOTE:
            result = validate(question, payload, state, lang, SOURCES)
            if isinstance(result, Valid):
                state = state.answer(question.name, result.value)
        elif kind == "skip" and (question.type is QuestionType.NOTE or not question.required):
            state = state.skip(question.name)
        elif kind == "back":
            state = step_back(DEFN, state, question.name)
        elif kind == "edit" and payload in state.answers:
            state = prune(DEFN, state.clear(payload), SOURCES)
    for _ in range(5 * len(DEFN.questions)):
        question = next_question(DEFN, state, SOURCES)
        if question is None:
            break
        assert_not_answered(question, state)
        if question.type is QuestionType.NOTE:
            state = state.skip(question.name)
            continue
        result = validate(question, finishing_reply(question, state), state, lang, SOURCES)
        assert isinstance(result, Valid), (question.name, result)
        state = state.answer(question.name, result.value)
    assert next_question(DEFN, state, SOURCES) is None


@settings(max_examples=200, deadline=None)
@given(
    answers=st.dictionaries(st.sampled_from(NAMES), st.one_of(ANSWER_VALUES, st.just(Decimal(2)))),
    skipped=st.frozensets(st.sampled_from(NAMES)),
)
def test_next_question_on_arbitrary_state_is_unanswered(answers: dict, skipped: frozenset) -> None:
    state = SurveyState({k: v for k, v in answers.items() if k not in ("order", "top", "issue")}, skipped)
    question = next_question(DEFN, state, SOURCES)
    if question is not None:
        assert_not_answered(question, state)
