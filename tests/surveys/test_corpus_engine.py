"""Every corpus form answered to the end by the engine alone, and what its answers derive."""

from __future__ import annotations

from datetime import date

import pytest

from backend.surveys.engine import (
    ChoiceSources,
    SurveyState,
    Valid,
    asked_questions,
    next_question,
    previous_question,
    prune,
    review,
    validate,
)
from backend.surveys.model import QuestionType, SurveyDefinition
from backend.surveys.xlsform import load_xlsform
from tests.data.xlsforms.answering import candidates
from tests.data.xlsforms.corpus import ACCEPTED, build

TODAY = date(2026, 12, 7)


@pytest.fixture(scope="module")
def forms(tmp_path_factory: pytest.TempPathFactory) -> dict[str, SurveyDefinition]:
    paths = build(tmp_path_factory.mktemp("xlsforms"))
    return {name: load_xlsform(paths[name]) for name in ACCEPTED}


def answer_all(defn: SurveyDefinition, sources: ChoiceSources, instances: int = 2) -> SurveyState:
    """Answer every question the engine asks with the first accepted candidate; at most 200 steps."""
    state = prune(defn, SurveyState(today=TODAY), sources)
    for _ in range(200):
        question = next_question(defn, state, sources)
        if question is None:
            return state
        if question.type is QuestionType.NOTE:
            state = prune(defn, state.skip(question.name), sources)
            continue
        results = [
            validate(question, raw, state, "en", sources) for raw in candidates(question, state, sources, instances)
        ]
        valid = next((result for result in results if isinstance(result, Valid)), None)
        assert valid is not None, f"{question.name}: every candidate refused: {results}"
        state = prune(defn, state.answer(question.name, valid.value), sources)
    raise AssertionError("the survey did not end")


@pytest.mark.parametrize("name", list(ACCEPTED))
def test_every_form_is_answered_to_the_end(
    forms: dict[str, SurveyDefinition], sources: ChoiceSources, name: str
) -> None:
    defn = forms[name]
    state = answer_all(defn, sources)
    assert next_question(defn, state, sources) is None
    reviewed = review(defn, state, "en", sources)
    assert reviewed and all(q.type is not QuestionType.CALCULATE for q, _ in reviewed)
    assert previous_question(defn, state, None) is not None


def test_household_repeat_follows_the_count(forms: dict[str, SurveyDefinition], sources: ChoiceSources) -> None:
    defn = forms["household_survey"]
    state = answer_all(defn, sources)
    assert state.answers["members"] == 3 and state.derived["adults"] == 0  # 3 members, "3" children accepted
    assert {k: v for k, v in state.answers.items() if k.startswith("member_")} == {
        "member_name#1": "Sara Ahmadi",
        "member_age#1": 3,
        "member_name#2": "Sara Ahmadi",
        "member_age#2": 3,
        "member_name#3": "Sara Ahmadi",
        "member_age#3": 3,
    }
    fewer = prune(defn, state.answer("members", 1).answer("children", 1), sources)  # instances 2 and 3 go
    assert sorted(k for k in fewer.answers if k.startswith("member_")) == ["member_age#1", "member_name#1"]


def test_add_another_repeat_and_count_sum(forms: dict[str, SurveyDefinition], sources: ChoiceSources) -> None:
    shelter = answer_all(forms["shelter_needs"], sources, instances=3)
    assert shelter.answers["person#0"] == shelter.answers["person#2"] == "yes" and shelter.answers["person#3"] == "no"
    assert (shelter.derived["people"], shelter.derived["total_age"]) == (3, 9)
    market = answer_all(forms["market_vendors"], sources, instances=1)
    assert market.derived["stall_count"] == 1 and market.answers["licensed#1"] == "no"
    names = [q.name for q in asked_questions(forms["market_vendors"], market)]
    assert names == ["market", "stall#0", "goods#1", "licensed#1", "stall#1", "stall_count", "summary"]


def test_calculations(forms: dict[str, SurveyDefinition], sources: ChoiceSources) -> None:
    traffic = answer_all(forms["traffic_calming"], sources)
    assert traffic.answers["speed"] == 40 and traffic.answers["school_near"] == "no"  # the default, then "no"
    assert (traffic.derived["too_fast"], traffic.derived["form_note"]) == ("no", "TC-2024")
    snow = answer_all(forms["snow_clearing"], sources)
    assert snow.derived["days"] == 0.1 and snow.derived["month"] == str(snow.answers["snow_day"])[:7]
    library = answer_all(forms["library_users"], sources)
    assert library.answers["genres"] == ["poetry", "history", "science"]
    assert (library.derived["n_genres"], library.derived["first_genre"], library.derived["first_label"]) == (
        3,
        "poetry",
        "شعر",
    )  # jr:choice-name gives the label in the form's default language
    school = answer_all(forms["school_route_safety"], sources)
    assert school.derived["greeting"] == "سلام Sara Ahmadi" and school.derived["long_walk"] == "short"
    event = answer_all(forms["event_registration"], sources)
    assert event.derived["seats"] == 4 and event.derived["day"] == event.answers["event_day"]
    assert event.derived["decimal_day"] == (event.answers["event_day"] - date(1970, 1, 1)).days


def test_or_other_asks_for_the_text(forms: dict[str, SurveyDefinition], sources: ChoiceSources) -> None:
    water = answer_all(forms["water_complaint"], sources)
    assert water.answers["issue"] == "other" and water.answers["issue_other"] == "Sara Ahmadi"
    assert water.answers["area"] == "bazaar"  # the south's own list, duplicates filtered by zone


def test_file_and_location_values(forms: dict[str, SurveyDefinition], sources: ChoiceSources) -> None:
    repairs = answer_all(forms["housing_repairs"], sources)
    assert repairs.answers["damage"] == {"file_id": "file-damage", "path": None}
    park = answer_all(forms["park_visit"], sources)
    assert park.answers["spot"] == {"latitude": 36.2972, "longitude": 59.6067, "accuracy": 12.5}
    assert park.answers["cleanliness"] == 1


def test_the_review_shows_the_other_text_not_pyxforms_english(
    forms: dict[str, SurveyDefinition], sources: ChoiceSources
) -> None:
    water = forms["water_complaint"]
    state = answer_all(water, sources)
    shown = {question.name: text for question, text in review(water, state, "fa", sources)}
    assert shown["issue"] == "Sara Ahmadi" and shown["issue_other"] == "Sara Ahmadi"
    assert "Other" not in shown.values()
