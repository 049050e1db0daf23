"""The XLSForm corpus (tests/data/xlsforms): what pyxform accepts we import; what a chat cannot mean is
refused in one line naming the sheet, row and type."""

from __future__ import annotations

from pathlib import Path

import pytest
from pyxform.xls2xform import convert

from backend.surveys.errors import SurveyImportError
from backend.surveys.model import QuestionType, SurveyDefinition
from backend.surveys.xlsform import load_xlsform
from tests.data.xlsforms.corpus import ACCEPTED, REFUSED, build, write_workbook


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return build(tmp_path_factory.mktemp("xlsforms"))


@pytest.fixture(scope="module")
def imported(corpus: dict[str, Path]) -> dict[str, SurveyDefinition]:
    return {name: load_xlsform(corpus[name]) for name in ACCEPTED}


def test_the_corpus_is_large_enough() -> None:
    assert len(ACCEPTED) >= 20


@pytest.mark.parametrize("name", [*ACCEPTED, *REFUSED])
def test_pyxform_accepts_every_form(corpus: dict[str, Path], name: str) -> None:
    """pyxform is the reference: every corpus form is a valid XLSForm, refused ones included."""
    assert "<h:html" in convert(xlsform=str(corpus[name]), validate=False).xform


@pytest.mark.parametrize("name", list(ACCEPTED))
def test_every_accepted_form_imports(corpus: dict[str, Path], name: str) -> None:
    defn = load_xlsform(corpus[name])
    assert defn.code == name
    asked = [q for q in defn.questions if q.type not in (QuestionType.CALCULATE, QuestionType.METADATA)]
    assert asked and all(defn.default_language in q.label for q in asked)


@pytest.mark.parametrize("name", list(REFUSED))
def test_refused_forms_name_row_and_type_in_one_line(corpus: dict[str, Path], name: str) -> None:
    _, row, kind = REFUSED[name]
    with pytest.raises(SurveyImportError) as caught:
        load_xlsform(corpus[name])
    message = str(caught.value)
    assert (caught.value.sheet, caught.value.row) == ("survey", row)
    assert message.startswith(f"sheet 'survey', row {row}: type '") and "\n" not in message
    assert kind.split()[0] in message and " is refused: " in message


def test_language_names_are_matched_to_codes(imported: dict[str, SurveyDefinition]) -> None:
    assert imported["municipal_services"].languages == ["en", "fa"]  # "English (en)" default, "Farsi (fa)"
    assert imported["household_survey"].languages == ["fa", "en"]  # "Persian", "English" by name
    assert imported["street_lighting_audit"].languages == ["fa", "en"]  # "فارسی" is the default
    assert imported["old_names_form"].languages == ["en", "fa"]  # lower-case "english", "farsi"
    assert imported["cultural_centre_feedback"].languages == ["fa", "prs", "en"]  # Dari
    assert imported["noise_report"].languages == ["fa", "tr", "az"]  # Turkish, Azerbaijani
    assert imported["stray_animals"].languages == ["fa", "ku"]  # Kurdish


def test_default_language_is_honoured_and_unsuffixed_labels_are_in_it(imported: dict[str, SurveyDefinition]) -> None:
    water = imported["water_complaint"]
    assert water.default_language == "en"
    assert water.question("zone").label == {"en": "Which zone?", "fa": "کدام ناحیه؟"}
    assert imported["park_visit"].languages == ["fa"]  # plain "label", no default: Persian, as before


def test_old_type_names_and_aliases(imported: dict[str, SurveyDefinition]) -> None:
    old = imported["old_names_form"]
    assert [q.type for q in old.questions] == [
        QuestionType.TEXT,
        QuestionType.INTEGER,
        QuestionType.SELECT_ONE,
        QuestionType.DECIMAL,
        QuestionType.DATE,
        QuestionType.GEOPOINT,
    ]
    assert imported["water_complaint"].question("callback").type is QuestionType.TEXT  # "phone number"
    assert imported["stray_animals"].question("seen_at").type is QuestionType.GEOPOINT  # "gps"
    assert imported["green_space_priorities"].question("thanks").type is QuestionType.ACKNOWLEDGE  # "trigger"
    assert imported["noise_report"].question("when").type is QuestionType.TIME
    repairs = imported["housing_repairs"]
    assert [repairs.question(n).type for n in ("damage", "voice_note", "document")] == [
        QuestionType.IMAGE,
        QuestionType.AUDIO,
        QuestionType.FILE,
    ]


def test_metadata_is_filled_or_ignored(imported: dict[str, SurveyDefinition]) -> None:
    services = imported["municipal_services"]
    metadata = {q.name: q.metadata for q in services.questions if q.type is QuestionType.METADATA}
    assert metadata == {"start": "start", "end": "end", "today": "today"}
    names = {q.name for q in services.questions}
    assert "deviceid" not in names  # a chat has no device id
    assert not {"username", "audit", "phone", "mail", "user"} & {q.name for d in imported.values() for q in d.questions}


def test_or_other_adds_the_choice_and_a_follow_up(imported: dict[str, SurveyDefinition]) -> None:
    water = imported["water_complaint"]
    issue, other = water.question("issue"), water.question("issue_other")
    assert issue.or_other and issue.choices[-1].name == "other"
    assert (other.type, other.other_of, other.label) == (QuestionType.TEXT, "issue", issue.label)
    assert other.relevant == "selected(${issue}, 'other')"


def test_duplicate_choice_names_with_a_choice_filter(imported: dict[str, SurveyDefinition]) -> None:
    water = imported["water_complaint"]
    assert water.allow_choice_duplicates
    assert [c.name for c in water.question("area").choices] == ["center", "park", "center", "bazaar"]


def test_duplicate_choice_names_need_the_setting(tmp_path: Path) -> None:
    """As in pyxform: the second "center" of list "area" is refused on the choices sheet."""
    sheets = {**ACCEPTED["water_complaint"], "settings": [["form_id"], ["water_complaint"]]}
    with pytest.raises(SurveyImportError) as caught:
        load_xlsform(write_workbook(sheets, tmp_path / "dup.xlsx"))
    assert (caught.value.sheet, caught.value.row) == ("choices", 6)
    assert "allow_choice_duplicates" in caught.value.reason


def test_calculate_hidden_read_only_and_default(imported: dict[str, SurveyDefinition]) -> None:
    traffic = imported["traffic_calming"]
    assert traffic.question("too_fast").type is QuestionType.CALCULATE
    assert traffic.question("speed").default == "40"
    assert (traffic.question("form_note").type, traffic.question("form_note").calculation) == (
        QuestionType.CALCULATE,
        "'TC-2024'",
    )  # read_only: shown in a form, not asked in a chat
    assert imported["library_users"].question("source").type is QuestionType.CALCULATE  # hidden


def test_range_parameters(imported: dict[str, SurveyDefinition]) -> None:
    assert imported["street_lighting_audit"].question("brightness").range_values() == [0, 2, 4, 6, 8, 10]
    assert imported["park_visit"].question("cleanliness").range_values() == list(range(1, 11))


def test_repeats(imported: dict[str, SurveyDefinition]) -> None:
    household = imported["household_survey"]
    assert [(r.name, r.count) for r in household.repeats] == [("member", "${members}")]
    assert [q.name for q in household.questions if q.repeat == "member"] == ["member_name", "member_age"]
    assert imported["market_vendors"].repeat("stall").count is None  # asked as "add another?"
