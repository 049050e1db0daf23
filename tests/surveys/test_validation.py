from datetime import date
from decimal import Decimal

import pytest

from backend.config import MAX_TEXT_LENGTH
from backend.surveys.engine import Invalid, Step, SurveyState, Valid, current_step, validate
from backend.surveys.model import Choice, Question
from tests.surveys.helpers import choices, q

EMPTY = SurveyState()


def question(name: str, type_: str, **fields: object) -> Question:
    return Question.model_validate(q(name, type_, **fields))


def check(
    question_: Question,
    raw: str | list[str],
    sources: dict[str, list[Choice]],
    state: SurveyState = EMPTY,
    lang: str = "fa",
):
    return validate(question_, raw, state, lang, sources)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("42", 42), ("۴۲", 42), ("٤٢", 42), (" -7 ", -7), ("۱٬۲۰۰", 1200), ("1,200", 1200)],
)
def test_integer_in_any_digits(raw: str, expected: int, sources) -> None:
    assert check(question("n", "integer"), raw, sources) == Valid(expected)


@pytest.mark.parametrize("raw", ["4.5", "abc", "۴۲ سال", "1,20"])
def test_integer_rejects(raw: str, sources) -> None:
    assert check(question("n", "integer"), raw, sources) == Invalid("not_integer")


@pytest.mark.parametrize(
    ("raw", "expected"), [("2.5", Decimal("2.5")), ("۲٫۵", Decimal("2.5")), ("٢٫٥", Decimal("2.5")), ("3", Decimal(3))]
)
def test_decimal_in_any_digits(raw: str, expected: Decimal, sources) -> None:
    assert check(question("x", "decimal"), raw, sources) == Valid(expected)
    assert check(question("x", "decimal"), "two", sources) == Invalid("not_decimal")


def test_range_bounds_and_step(sources) -> None:
    rating = question("r", "range", start=1, end=5, step=1)
    assert check(rating, "3", sources) == Valid(3)
    assert check(rating, "۵", sources) == Valid(5)
    assert check(rating, "6", sources) == Invalid("out_of_range")
    assert check(rating, "0", sources) == Invalid("out_of_range")
    assert check(rating, "2.5", sources) == Invalid("not_in_step")
    assert check(rating, "خوب", sources) == Invalid("not_number")
    halves = question("h", "range", start=0, end=2, step="0.5")
    assert check(halves, "1.5", sources) == Valid(Decimal("1.5"))
    assert check(halves, "1.50", sources) == Valid(Decimal("1.5"))
    assert check(halves, "1", sources) == Valid(1)
    assert halves.range_values() == [0, Decimal("0.5"), 1, Decimal("1.5"), 2]
    assert [str(v) for v in halves.range_values()] == ["0", "0.5", "1", "1.5", "2"]


def test_select_one_takes_a_name_or_a_label(sources) -> None:
    pick = question("c", "select_one", choices=choices("a", "b"))
    assert check(pick, "a", sources) == Valid("a")
    assert check(pick, "گزینه b", sources) == Valid("b")
    assert check(pick, "option A", sources) == Valid("a")  # English label, any case
    assert check(pick, "z", sources) == Invalid("not_a_choice")


def test_select_one_label_match_normalizes_persian(sources) -> None:
    pick = question("c", "select_one", choices=[{"name": "k", "label": {"fa": "کرمان"}}])
    assert check(pick, "كرمان", sources) == Valid("k")  # Arabic kaf


def test_choice_filter_limits_valid_choices(sources) -> None:
    hood = question(
        "hood",
        "select_one",
        choices=choices("h1", "h2", h1={"city": "a"}, h2={"city": "b"}),
        choice_filter="city = ${city}",
    )
    state = SurveyState({"city": "a"})
    assert check(hood, "h1", sources, state) == Valid("h1")
    assert check(hood, "h2", sources, state) == Invalid("not_a_choice")


def test_select_multiple_keeps_choice_order(sources) -> None:
    many = question("m", "select_multiple", choices=choices("a", "b", "c"))
    assert check(many, ["c", "a"], sources) == Valid(["a", "c"])
    assert check(many, "c a", sources) == Valid(["a", "c"])
    assert check(many, "c،a", sources) == Valid(["a", "c"])
    assert check(many, ["a", "x"], sources) == Invalid("not_a_choice")
    assert check(many, [], sources) == Invalid("empty")
    assert check(many, " ،, ", sources) == Invalid("not_a_choice")


def test_plan_aware_single_choices(sources) -> None:
    assert check(question("d", "district"), "samen", sources) == Valid("samen")
    assert check(question("d", "district"), "منطقه ۲", sources) == Valid("d02")
    assert check(question("d", "district"), "d99", sources) == Invalid("not_a_choice")
    assert check(question("x", "axis"), "transport", sources) == Valid("transport")
    with pytest.raises(ValueError, match="'district' choice source"):
        check(question("d", "district"), "d01", {})


def test_rank_by_successive_picks(sources) -> None:
    rank = question("r", "rank", choices=choices("a", "b", "c"))
    assert current_step(rank, EMPTY) is Step.RANK_PICK
    first = check(rank, "b", sources)
    assert first == Valid(["b"], Step.RANK_PICK)
    state = EMPTY.answer("r", first.value)
    assert check(rank, "b", sources, state) == Invalid("not_a_choice")  # already ranked
    # the second pick forces the last place
    assert check(rank, "c", sources, state) == Valid(["b", "c", "a"])


def test_rank_count_ranks_only_the_top(sources) -> None:
    top = question("t", "axes_rank", rank_count=2)
    first = check(top, "economy", sources)
    assert first == Valid(["economy"], Step.RANK_PICK)
    assert check(top, "transport", sources, EMPTY.answer("t", first.value)) == Valid(["economy", "transport"])


def test_rank_submitted_whole(sources) -> None:
    rank = question("r", "rank", choices=choices("a", "b", "c"))
    assert check(rank, ["c", "a", "b"], sources) == Valid(["c", "a", "b"])
    assert check(rank, ["c", "a"], sources) == Invalid("incomplete")
    assert check(rank, ["c", "c", "a"], sources) == Invalid("not_a_choice")


def test_date_jalali_or_iso_in_any_digits(sources) -> None:
    when = question("w", "date")
    assert check(when, "1403/05/12", sources) == Valid(date(2024, 8, 2))
    assert check(when, "۱۴۰۳/۰۵/۱۲", sources) == Valid(date(2024, 8, 2))
    assert check(when, "2024-08-02", sources) == Valid(date(2024, 8, 2))
    assert check(when, "1403/13/01", sources) == Invalid("not_date")
    assert check(when, "دیروز", sources) == Invalid("not_date")


def test_text_keeps_the_original_up_to_the_one_length_limit(sources) -> None:
    """The length is checked once, on arrival, against MEYDAN_MAX_TEXT_LENGTH (tests/hardening/test_oversize.py):
    an answer as long as the limit is taken whole."""
    text = question("t", "text")
    assert check(text, "  خیابان‌ها شلوغ است ي  ", sources) == Valid("خیابان‌ها شلوغ است ي")
    assert check(text, "x" * MAX_TEXT_LENGTH, sources) == Valid("x" * MAX_TEXT_LENGTH)


def test_blank_replies(sources) -> None:
    assert check(question("t", "text", required=True), "   ", sources) == Invalid("required")
    assert check(question("t", "text"), "\u200c ", sources) == Invalid("empty")
    assert check(question("n", "integer", required=True), "", sources) == Invalid("required")


def test_acknowledge(sources) -> None:
    ack = question("a", "acknowledge")
    assert check(ack, "OK", sources) == Valid("OK")
    assert check(ack, "ok", sources) == Valid("OK")
    assert check(ack, "no", sources) == Invalid("not_acknowledged")


def test_note_takes_no_reply(sources) -> None:
    with pytest.raises(ValueError, match="takes no reply"):
        check(question("n", "note"), "x", sources)


def test_problem_is_text_then_axis(sources) -> None:
    problem = question(
        "p",
        "problem",
        constraint="string-length(.) >= 10",
        constraint_message={"fa": "بیشتر بنویسید", "en": "Write more"},
    )
    assert current_step(problem, EMPTY) is Step.PROBLEM_TEXT
    assert check(problem, "کوتاه", sources) == Invalid("constraint", "بیشتر بنویسید")
    assert check(problem, "short", sources, lang="en") == Invalid("constraint", "Write more")
    text = check(problem, "ترافیک سنگین در بلوار", sources)
    assert text == Valid({"text": "ترافیک سنگین در بلوار"}, Step.PROBLEM_AXIS)
    state = EMPTY.answer("p", text.value)
    assert current_step(problem, state) is Step.PROBLEM_AXIS
    assert check(problem, "nowhere", sources, state) == Invalid("not_a_choice")
    assert check(problem, "transport", sources, state) == Valid({"text": "ترافیک سنگین در بلوار", "axis": "transport"})


def test_constraint_uses_the_value_and_other_answers(sources) -> None:
    age = question("age", "integer", constraint=". >= 18 and . < ${limit}", constraint_message={"fa": "سن نامعتبر"})
    state = SurveyState({"limit": 100})
    assert check(age, "۳۰", sources, state) == Valid(30)
    assert check(age, "۱۲", sources, state) == Invalid("constraint", "سن نامعتبر")
    # the message falls back to the default language; none given → None
    assert check(age, "12", sources, state, lang="en") == Invalid("constraint", "سن نامعتبر")
    bare = question("n", "integer", constraint=". > 0")
    assert check(bare, "-1", sources) == Invalid("constraint", None)


def test_constraint_on_a_ranking_waits_for_completion(sources) -> None:
    rank = question("r", "rank", choices=choices("a", "b", "c"), constraint="not(selected(., 'a'))")
    assert isinstance(check(rank, "a", sources), Valid)  # partial: not checked yet
    assert check(rank, ["a", "b", "c"], sources) == Invalid("constraint")


def test_constraint_sees_today(sources) -> None:
    when = question("w", "date", constraint=". <= today()")
    state = SurveyState(today=date(2024, 8, 2))
    assert check(when, "1403/05/12", sources, state) == Valid(date(2024, 8, 2))
    assert check(when, "1403/05/13", sources, state) == Invalid("constraint")
