from datetime import date

import pytest

from backend.surveys.engine import (
    SurveyState,
    Valid,
    can_skip,
    is_applicable,
    next_question,
    previous_question,
    prune,
    review,
    step_back,
    validate,
    visible_choices,
)
from backend.surveys.model import QuestionType
from tests.surveys.helpers import choices, q, survey

FLOW = survey(
    q("welcome", "note"),
    q("has_car", "select_one", required=True, choices=choices("yes", "no")),
    q("car_count", "integer", relevant="${has_car} = 'yes'", required=True),
    q("commute", "text"),
    q("satisfaction", "range", start=1, end=5, step=1, relevant="${car_count} > 1"),
)


def names(*questions) -> list[str | None]:
    return [None if question is None else question.name for question in questions]


def answer(defn, state, name, raw, sources):
    result = validate(defn.question(name), raw, state, "fa", sources)
    assert isinstance(result, Valid), result
    return state.answer(name, result.value)


def test_flow_with_relevance_and_skip(sources) -> None:
    state = SurveyState()
    assert next_question(FLOW, state, sources).type is QuestionType.NOTE
    state = state.skip("welcome")  # a note, once shown
    assert next_question(FLOW, state, sources).name == "has_car"
    state = answer(FLOW, state, "has_car", "no", sources)
    assert next_question(FLOW, state, sources).name == "commute"  # car_count is not relevant
    assert can_skip(FLOW.question("commute"))
    assert not can_skip(FLOW.question("has_car"))
    state = state.skip("commute")
    assert next_question(FLOW, state, sources) is None


def test_flow_follows_answers(sources) -> None:
    state = SurveyState(skipped={"welcome"})
    state = answer(FLOW, state, "has_car", "yes", sources)
    assert next_question(FLOW, state, sources).name == "car_count"
    state = answer(FLOW, state, "car_count", "۲", sources)
    state = answer(FLOW, state, "commute", "با اتوبوس", sources)
    assert next_question(FLOW, state, sources).name == "satisfaction"


def test_back_goes_to_the_last_answered_relevant_question(sources) -> None:
    state = SurveyState({"has_car": "no", "commute": "پیاده"}, {"welcome"})
    assert names(previous_question(FLOW, state, None)) == ["commute"]
    assert names(previous_question(FLOW, state, "commute")) == ["has_car"]
    assert names(previous_question(FLOW, state, "has_car")) == [None]  # notes do not count
    back = step_back(FLOW, state, None)
    assert "commute" not in back.answers
    assert next_question(FLOW, back, sources).name == "commute"
    with pytest.raises(KeyError):
        previous_question(FLOW, state, "nope")


def test_back_skips_irrelevant_questions(sources) -> None:
    # car_count has a stale answer but is no longer relevant
    state = SurveyState({"has_car": "no", "car_count": 3}, {"welcome"})
    assert names(previous_question(FLOW, state, "commute")) == ["has_car"]
    assert step_back(FLOW, SurveyState(skipped={"welcome"}), "has_car") == SurveyState(skipped={"welcome"})


def test_back_within_a_problem_restarts_it(sources) -> None:
    defn = survey(q("name", "text"), q("issue", "problem"))
    state = SurveyState({"name": "x", "issue": {"text": "خیابان خراب است"}})
    assert next_question(defn, state, sources).name == "issue"
    back = step_back(defn, state, "issue")
    assert back.answers == {"name": "x"}


def test_prune_drops_answers_that_became_irrelevant(sources) -> None:
    state = SurveyState({"has_car": "yes", "car_count": 3, "commute": "x", "satisfaction": 4}, {"welcome"})
    edited = prune(FLOW, state.answer("has_car", "no"), sources)
    assert edited.answers == {"has_car": "no", "commute": "x"}  # satisfaction went with car_count
    assert edited.skipped == {"welcome"}
    assert next_question(FLOW, edited, sources) is None


def test_prune_drops_unknown_names_and_irrelevant_skips(sources) -> None:
    state = SurveyState({"has_car": "no", "old": 1}, {"car_count"})
    assert prune(FLOW, state, sources) == SurveyState({"has_car": "no"})


def test_prune_drops_choices_filtered_away(sources) -> None:
    defn = survey(
        q("zone", "select_one", choices=choices("north", "south")),
        q("home", "district", choice_filter="zone = ${zone}"),
    )
    state = SurveyState({"zone": "north", "home": "samen"})
    assert prune(defn, state, sources) == state
    assert prune(defn, state.answer("zone", "south"), sources).answers == {"zone": "south"}


def test_visible_choices_apply_the_filter(sources) -> None:
    defn = survey(
        q("zone", "select_one", choices=choices("north", "south")),
        q("home", "district", choice_filter="zone = ${zone}"),
    )
    home = defn.question("home")
    assert [c.name for c in visible_choices(home, SurveyState({"zone": "north"}), sources)] == ["d01", "samen"]
    assert [c.name for c in visible_choices(home, SurveyState({"zone": "south"}), sources)] == ["d02"]


def test_a_choice_question_with_no_choices_left_is_passed_over(sources) -> None:
    defn = survey(q("zone", "text"), q("home", "district", choice_filter="zone = ${zone}"), q("end", "text"))
    state = SurveyState({"zone": "east"})
    assert not is_applicable(defn.question("home"), state, sources)
    assert next_question(defn, state, sources).name == "end"


def test_rank_returns_until_complete(sources) -> None:
    defn = survey(q("top", "axes_rank", rank_count=2), q("after", "text"))
    state = SurveyState()
    state = answer(defn, state, "top", "transport", sources)
    assert next_question(defn, state, sources).name == "top"
    assert "transport" not in [c.name for c in visible_choices(defn.question("top"), state, sources)]
    state = answer(defn, state, "top", "economy", sources)
    assert next_question(defn, state, sources).name == "after"


def test_relevance_can_use_today(sources) -> None:
    defn = survey(q("born", "date"), q("adult_only", "text", relevant="today() - ${born} >= 6570"))
    state = SurveyState({"born": date(2000, 1, 1)}, today=date(2024, 1, 1))
    assert next_question(defn, state, sources).name == "adult_only"
    young = SurveyState({"born": date(2015, 1, 1)}, today=date(2024, 1, 1))
    assert next_question(defn, young, sources) is None


def test_review_shows_labels_in_the_language(sources) -> None:
    defn = survey(
        q("intro", "note"),
        q("home", "district"),
        q("pets", "select_multiple", choices=choices("cat", "dog")),
        q("order", "rank", choices=choices("a", "b")),
        q("count", "integer"),
        q("when", "date"),
        q("issue", "problem"),
        q("ok", "acknowledge"),
        q("notes", "text"),
        q("hidden", "text", relevant="${count} > 100"),
    )
    state = SurveyState(
        {
            "home": "samen",
            "pets": ["cat", "dog"],
            "order": ["b", "a"],
            "count": 12,
            "when": date(2024, 8, 2),
            "issue": {"text": "چاله", "axis": "transport"},
            "ok": "OK",
            "hidden": "stale",
        },
        {"intro", "notes"},
    )
    english = {question.name: shown for question, shown in review(defn, state, "en", sources)}
    assert english == {
        "home": "Samen District",
        "pets": "Option cat, Option dog",
        "order": "1. Option b\n2. Option a",
        "count": "12",
        "when": "1403/05/12",
        "issue": "چاله (Axis transport)",
        "ok": "✓",
        "notes": None,
    }
    persian = {question.name: shown for question, shown in review(defn, state, "fa", sources)}
    assert persian["count"] == "۱۲"
    assert persian["when"] == "۱۴۰۳/۰۵/۱۲"
    assert persian["order"] == "۱. گزینه b\n۲. گزینه a"
    assert persian["pets"] == "گزینه cat، گزینه dog"


def test_state_is_immutable() -> None:
    state = SurveyState({"a": 1})
    with pytest.raises(TypeError):
        state.answers["b"] = 2  # type: ignore[index]
    assert state.answer("b", 2).answers == {"a": 1, "b": 2}
    assert state.answers == {"a": 1}
    assert state.skip("a") == SurveyState({}, {"a"})
    assert state.skip("a").answer("a", 3) == SurveyState({"a": 3})
