"""The pieces behind XLSForm support: language names, the expression functions pyxform forms use,
replies to time, geopoint and file questions, and plan boundaries."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from backend.errors import ConfigError
from backend.plan.boundaries import load_boundaries
from backend.surveys.engine import Invalid, Step, SurveyState, Valid, validate
from backend.surveys.expressions import ExpressionError, Nodeset, compile_expression
from backend.surveys.languages import language_code
from backend.surveys.location import BOUNDARY
from backend.surveys.model import Choice, Question, QuestionType
from backend.surveys.xlsform import load_xlsform
from backend.surveys.yamlformat import dump_yaml_survey, load_yaml_survey
from tests.data.xlsforms.corpus import ACCEPTED, build


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("English (en)", "en"),
        ("Farsi (fa)", "fa"),
        ("fa", "fa"),
        ("English", "en"),
        ("english", "en"),
        ("Persian", "fa"),
        ("Farsi", "fa"),
        ("فارسی", "fa"),
        ("Dari", "prs"),
        ("Arabic", "ar"),
        ("Kurdish", "ku"),
        ("Turkish", "tr"),
        ("Azerbaijani", "az"),
        ("Gilaki", "x-gilaki"),
        ("زبان محلی", "x-زبان-محلی"),
    ],
)
def test_language_names_and_codes(name: str, code: str) -> None:
    assert language_code(name) == code


ANSWERS = {
    "a": 5,
    "m": "x y z",
    "d": date(2024, 3, 1),
    "ages": Nodeset([10, 20, 5]),
    "kids": Nodeset([1, 2, 3]),
    "none": None,
    "name": "Sara",
}


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("/data/a + 1", 6.0),
        ("../a * 2", 10.0),
        ("current()/../a", 5.0),
        ("/data/group/a", 5.0),
        ("coalesce(${none}, 'z')", "z"),
        ("coalesce(${a}, 'z')", 5.0),
        ("concat('a', ${a}, '-', ${name})", "a5-Sara"),
        ("contains(${name}, 'ar')", True),
        ("starts-with(${m}, 'x')", True),
        ("ends-with(${name}, 'a')", True),
        ("substr('abcdef', 1, 3)", "bc"),
        ("substr('abcdef', 2)", "cdef"),
        ("round(2.345, 2)", 2.35),
        ("round(2.5)", 3.0),
        ("int('7.9')", 7.0),
        ("number('3')", 3.0),
        ("number('x') != number('x')", True),
        ("date('2024-03-05')", date(2024, 3, 5)),
        ("date(1)", date(1970, 1, 2)),
        ("decimal-date-time('1970-01-03')", 2.0),
        ("selected-at(${m}, 1)", "y"),
        ("selected-at(${m}, 7)", ""),
        ("count(${kids})", 3.0),
        ("sum(${ages})", 35.0),
        ("count(${a})", 1.0),
        ("count(${none})", 0.0),
        ("today() = date('2026-12-07')", True),
        ("jr:choice-name('y', '${m}')", "label of m: y"),
        ("if(${a} > 3, 'big', 'small')", "big"),
        ("${d} < today()", True),
    ],
)
def test_the_functions_pyxform_forms_use(text: str, value: object) -> None:
    result = compile_expression(text).evaluate(
        ANSWERS, today=date(2026, 12, 7), choice_label=lambda q, name: f"label of {q}: {name}"
    )
    assert result == value


def test_now_is_a_date_and_time() -> None:
    moment = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)
    assert compile_expression("now()").evaluate({}, now=moment) == moment
    assert compile_expression("decimal-date-time(now())").evaluate({}, now=moment) == 20794.5


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("pulldata('streets', 'name', 'id', ${a})", "unknown function pulldata()"),
        ("instance('x')/root/item", "unknown function instance()"),
        ("../.. = 1", "does not end at a question"),
        ("concat()", "concat() takes 1 to 64 argument(s), got 0"),
    ],
)
def test_what_is_left_is_refused_clearly(text: str, message: str) -> None:
    with pytest.raises(ExpressionError, match=message.replace("(", r"\(").replace(")", r"\)")):
        compile_expression(text)


def q(kind: QuestionType, **fields: object) -> Question:
    return Question(name="q", type=kind, label={"fa": "پرسش"}, **fields)


@pytest.mark.parametrize(("raw", "expected"), [("۹:۳۰", "09:30"), ("21.45", "21:45"), ("7:05", "07:05")])
def test_time_replies(raw: str, expected: str) -> None:
    assert validate(q(QuestionType.TIME), raw, SurveyState(), "fa", {}) == Valid(expected)


@pytest.mark.parametrize("raw", ["25:00", "9", "noon"])
def test_bad_times(raw: str) -> None:
    assert validate(q(QuestionType.TIME), raw, SurveyState(), "fa", {}) == Invalid("not_time")


def test_geopoint_replies_and_the_proposed_district() -> None:
    square = {"type": "Polygon", "coordinates": [[[59, 36], [60, 36], [60, 37], [59, 37], [59, 36]]]}
    sources = {
        "district": [
            Choice(name="d05", label={"fa": "منطقه ۵"}, extra={BOUNDARY: json.dumps(square)}),
            Choice(name="d06", label={"fa": "منطقه ۶"}),
        ]
    }
    point = q(QuestionType.GEOPOINT)
    shared = validate(
        point, {"latitude": 36.3, "longitude": 59.6, "horizontal_accuracy": 10}, SurveyState(), "fa", sources
    )
    assert shared == Valid(
        {"latitude": 36.3, "longitude": 59.6, "accuracy": 10.0, "district_proposed": "d05"}, Step.CONFIRM_DISTRICT
    )
    state = SurveyState().answer("q", shared.value)
    assert validate(point, "d06", state, "fa", sources).value["district"] == "d06"  # the citizen corrects it
    typed = validate(point, "۳۵٫۷، ۵۱٫۴", SurveyState(), "fa", sources)  # Tehran: outside every district
    assert typed == Valid({"latitude": 35.7, "longitude": 51.4, "accuracy": None})
    venue = {"location": {"latitude": 36.29, "longitude": 59.61}, "title": "Haram", "address": "Mashhad"}
    assert validate(point, venue, SurveyState(), "fa", {}).value["latitude"] == 36.29
    assert validate(point, "somewhere", SurveyState(), "fa", sources) == Invalid("not_location")
    assert validate(point, {"latitude": 95, "longitude": 0}, SurveyState(), "fa", sources) == Invalid("not_location")


def test_file_replies_take_the_kind_asked_for() -> None:
    photo = {"file_id": "F1", "kind": "photo", "mime_type": None, "path": "/data/files/F1.jpg"}
    assert validate(q(QuestionType.IMAGE), photo, SurveyState(), "fa", {}) == Valid(
        {"file_id": "F1", "path": "/data/files/F1.jpg"}
    )
    jpeg_document = {"file_id": "F2", "kind": "document", "mime_type": "image/jpeg"}
    assert isinstance(validate(q(QuestionType.IMAGE), jpeg_document, SurveyState(), "fa", {}), Valid)
    assert validate(q(QuestionType.AUDIO), photo, SurveyState(), "fa", {}) == Invalid("not_audio")
    assert validate(q(QuestionType.IMAGE), "a photo", SurveyState(), "fa", {}) == Invalid("not_image")
    assert validate(q(QuestionType.TEXT), photo, SurveyState(), "fa", {}) == Invalid("unexpected_media")


def test_required_message_is_the_forms_own() -> None:
    question = q(QuestionType.TEXT, required=True, required_message={"fa": "نام را بنویسید"})
    assert validate(question, " ", SurveyState(), "fa", {}) == Invalid("required", "نام را بنویسید")


def test_every_corpus_form_round_trips_through_yaml(tmp_path: Path) -> None:
    paths = build(tmp_path)
    for name in ACCEPTED:
        defn = load_xlsform(paths[name])
        assert load_yaml_survey(dump_yaml_survey(defn)) == defn, name


@pytest.mark.parametrize(
    ("features", "problem"),
    [
        (
            [
                {
                    "properties": {"district": "d99"},
                    "geometry": {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 0]]]},
                }
            ],
            "unknown district 'd99'",
        ),
        (
            [{"properties": {"district": "d05"}, "geometry": {"type": "LineString", "coordinates": [[0, 0], [1, 1]]}}],
            "needs a Polygon or MultiPolygon",
        ),
        (
            [
                {
                    "properties": {"district": "d05"},
                    "geometry": {"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]},
                }
            ],
            "crosses itself",
        ),
    ],
)
def test_bad_boundaries_are_refused_when_the_plan_loads(tmp_path: Path, features: list, problem: str) -> None:
    file = tmp_path / "districts.geojson"
    file.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    with pytest.raises(ConfigError, match=problem):
        load_boundaries(file, {"d05"})
