from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from backend.surveys.engine import Invalid, SurveyState, next_question, validate
from backend.surveys.errors import SurveyFormatError, SurveyImportError
from backend.surveys.model import QuestionType
from backend.surveys.xlsform import load_xlsform

SURVEY_HEADER = [
    "type", "name", "label::Persian (fa)", "label::English (en)", "hint::Persian (fa)", "required",
    "relevant", "constraint", "constraint_message::Persian (fa)", "constraint_message::English (en)",
    "choice_filter", "appearance", "parameters", "rank_count",
]  # fmt: skip
CHOICES = [
    ["list_name", "name", "label::Persian (fa)", "label::English (en)", "zone"],
    ["yes_no", "yes", "بله", "Yes", None],
    ["yes_no", "no", "خیر", "No", None],
    ["hood", "h1", "محله ۱", "Hood 1", "north"],
    ["hood", "h2", "محله ۲", "Hood 2", "south"],
]
SETTINGS = [
    ["form_id", "form_title", "default_language", "version", "allow_multiple_responses", "description"],
    ["traffic_poll", "نظرسنجی ترافیک", "Persian (fa)", "7", "yes", "دربارهٔ ترافیک"],
]


def row(type_: str, name: str | None, fa: str = "", en: str = "", **cells: str) -> list[str | None]:
    values = {"type": type_, "name": name, "label::Persian (fa)": fa, "label::English (en)": en, **cells}
    return [values.get(header) or None for header in SURVEY_HEADER]


GOOD_ROWS = [
    row("note", "intro", "سلام", "Hello"),
    row("district", "home", "منطقه؟", "District?", required="yes"),
    row("select_one yes_no", "has_car", "خودرو دارید؟", "Do you have a car?", required="yes"),
    row("begin_group", "car", "خودرو", "Car", relevant="${has_car} = 'yes'"),
    row(
        "integer",
        "cars",
        "چند خودرو؟",
        "How many cars?",
        constraint=". > 0 and . < 10",
        **{"constraint_message::Persian (fa)": "عددی بین ۱ و ۹", "constraint_message::English (en)": "1 to 9"},
    ),
    row("begin_group", "usage", "استفاده", "Usage", relevant="${cars} > 1"),
    row("range", "km", "چند کیلومتر؟", "How many km?", parameters="start=0 end=100 step=10"),
    row("end_group", None),
    row("end_group", None),
    row("select_one hood", "hood", "محله؟", "Neighbourhood?", choice_filter="zone = 'north'", appearance="minimal"),
    row("axes_rank", "priorities", "اولویت‌ها", "Priorities", rank_count="3"),
    row("rank yes_no", "ranked", "مرتب کنید", "Rank them"),
    row("problem", "issue", "مسئله؟", "Problem?", **{"hint::Persian (fa)": "کوتاه بنویسید"}),
    row("axis", "main_axis", "محور اصلی؟", "Main axis?"),
    row("select_multiple yes_no", "many", "چند", "Many"),
    row("date", "when", "کی؟", "When?"),
    row("acknowledge", "agree", "موافقید؟", "Agree?"),
    row("decimal", "share", "سهم؟", "Share?"),
    row("text", "comment", "نظر", "Comment"),
]


def workbook(
    path: Path,
    survey_rows: list,
    *,
    header: list[str] = SURVEY_HEADER,
    choices: list | None = CHOICES,
    settings: list | None = SETTINGS,
) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "survey"
    for values in [header, *survey_rows]:
        sheet.append(values)
    for title, rows in (("choices", choices), ("settings", settings)):
        if rows:
            extra = book.create_sheet(title)
            for values in rows:
                extra.append(values)
    file = path / "form.xlsx"
    book.save(file)
    return file


def test_import_maps_the_form(tmp_path: Path) -> None:
    defn = load_xlsform(workbook(tmp_path, GOOD_ROWS))
    assert defn.code == "traffic_poll"
    assert defn.version == "7"
    assert defn.title == {"fa": "نظرسنجی ترافیک"}
    assert defn.description == {"fa": "دربارهٔ ترافیک"}
    assert defn.languages == ["fa", "en"]
    assert defn.allow_multiple_responses is True
    types = {question.name: question.type for question in defn.questions}
    assert types == {
        "intro": QuestionType.NOTE,
        "home": QuestionType.DISTRICT,
        "has_car": QuestionType.SELECT_ONE,
        "cars": QuestionType.INTEGER,
        "km": QuestionType.RANGE,
        "hood": QuestionType.SELECT_ONE,
        "priorities": QuestionType.AXES_RANK,
        "ranked": QuestionType.RANK,
        "issue": QuestionType.PROBLEM,
        "main_axis": QuestionType.AXIS,
        "many": QuestionType.SELECT_MULTIPLE,
        "when": QuestionType.DATE,
        "agree": QuestionType.ACKNOWLEDGE,
        "share": QuestionType.DECIMAL,
        "comment": QuestionType.TEXT,
    }
    cars = defn.question("cars")
    assert cars.label == {"fa": "چند خودرو؟", "en": "How many cars?"}
    assert cars.group == "car"
    assert cars.relevant == "${has_car} = 'yes'"
    assert cars.constraint_message == {"fa": "عددی بین ۱ و ۹", "en": "1 to 9"}
    km = defn.question("km")
    assert km.group == "usage"
    assert km.relevant == "(${has_car} = 'yes') and (${cars} > 1)"
    assert (km.start, km.end, km.step) == (Decimal(0), Decimal(100), Decimal(10))
    assert defn.question("home").required is True
    assert defn.question("has_car").choices[0].label == {"fa": "بله", "en": "Yes"}
    hood = defn.question("hood")
    assert hood.choices[0].extra == {"zone": "north"}
    assert hood.choice_filter == "zone = 'north'"
    assert hood.appearance == "minimal"
    assert defn.question("priorities").rank_count == 3
    assert defn.question("issue").hint == {"fa": "کوتاه بنویسید"}


def test_imported_form_runs(tmp_path: Path, sources) -> None:
    defn = load_xlsform(workbook(tmp_path, GOOD_ROWS))
    state = SurveyState({"home": "d01", "has_car": "yes"}, {"intro"})
    assert next_question(defn, state, sources).name == "cars"
    assert validate(defn.question("cars"), "۱۲", state, "en", sources) == Invalid("constraint", "1 to 9")
    state = state.answer("cars", 1)
    assert next_question(defn, state, sources).name == "hood"  # km's group is not relevant


def test_unsuffixed_labels_default_to_persian_without_settings(tmp_path: Path) -> None:
    file = workbook(tmp_path, [["integer", "n", "عدد"]], header=["type", "name", "label"], choices=None, settings=None)
    defn = load_xlsform(file)
    assert defn.code == "form"  # pyxform falls back to the file name
    assert defn.languages == ["fa"]
    assert defn.question("n").label == {"fa": "عدد"}


def test_range_defaults(tmp_path: Path) -> None:
    defn = load_xlsform(workbook(tmp_path, [row("range", "r", "امتیاز", "Score")]))
    assert defn.question("r").range_values() == list(range(1, 11))


def error(tmp_path: Path, rows: list, **kwargs) -> SurveyImportError:
    with pytest.raises(SurveyImportError) as caught:
        load_xlsform(workbook(tmp_path, rows, **kwargs))
    return caught.value


@pytest.mark.parametrize(
    ("bad_row", "reason"),
    [
        (row("geotrace", "route", "مسیر", "Route"), "type 'geotrace' is refused: a chat can share one point"),
        (row("barcode", "code", "بارکد", "Code"), "type 'barcode' is refused: a chat has no barcode scanner"),
        (row("dateTime", "at", "زمان", "When"), "type 'dateTime' is refused: ask for the date and the time"),
        (row("image", "s", "امضا", "Sign", appearance="signature"), "a chat cannot draw a signature"),
        (row("integer", "n", "عدد", "N", relevant="foo(${has_car})"), "field 'relevant': unknown function foo()"),
        (row("integer", "n", "عدد", "N", relevant="${has_car} = = 1"), "unexpected '='"),
        (row("integer", "n", "عدد", "N", constraint=". > ${nowhere}"), "'nowhere'"),
        (row("select_one hood", "h", "م", "H", choice_filter="zone = "), "field 'choice_filter'"),
        (row("integer", "n", "عدد", "N", required="${has_car} = 'yes'"), "required must be yes or no"),
        (row("integer", "n", "", "N"), "field 'label': needs a text in the default language 'fa'"),
        (row("text", "n", "متن", "Text", rank_count="2"), "only rank and axes_rank questions take rank_count"),
    ],
)
def test_failing_imports_name_sheet_row_and_reason(tmp_path: Path, bad_row: list, reason: str) -> None:
    failure = error(
        tmp_path, [row("select_one yes_no", "has_car", "خودرو؟", "Car?"), row("note", "n0", "ی", "N"), bad_row]
    )
    assert failure.sheet == "survey"
    assert failure.row == 4
    assert reason in failure.reason
    assert str(failure).startswith("sheet 'survey', row 4: ")


def test_calculate_is_a_hidden_computed_question(tmp_path: Path) -> None:
    header = [*SURVEY_HEADER, "calculation"]
    defn = load_xlsform(
        workbook(tmp_path, [row("integer", "a", "الف", "A"), [*row("calculate", "c"), "${a} + 1"]], header=header)
    )
    assert (defn.question("c").type, defn.question("c").calculation) == (QuestionType.CALCULATE, "${a} + 1")


def test_nested_repeat_is_refused_naming_row_and_type(tmp_path: Path) -> None:
    failure = error(
        tmp_path,
        [
            row("begin_repeat", "home", "خانه‌ها", "Homes"),
            row("begin_repeat", "kids", "بچه‌ها", "Kids"),
            row("text", "kid", "نام", "Name"),
            row("end_repeat", None),
            row("end_repeat", None),
        ],
    )
    assert (failure.sheet, failure.row) == ("survey", 3)
    assert "type 'begin repeat' is refused" in failure.reason and "nested" in failure.reason


def test_unsupported_columns_are_refused(tmp_path: Path) -> None:
    header = [*SURVEY_HEADER, "media::image"]
    failure = error(
        tmp_path, [row("text", "a", "الف", "A"), [*row("integer", "n", "عدد", "N"), "a.png"]], header=header
    )
    assert (failure.sheet, failure.row) == ("survey", 3)
    assert "'media' is not supported" in failure.reason


def test_pyxform_errors_keep_their_row(tmp_path: Path) -> None:
    failure = error(tmp_path, [row("text", "a", "الف", "A"), row("select_one missing_list", "m", "م", "M")])
    assert (failure.sheet, failure.row) == ("survey", 3)
    assert "missing_list" in failure.reason


def test_choice_problems_point_at_the_choices_sheet(tmp_path: Path) -> None:
    choices = [*CHOICES, ["colors", "red", "", "Red", None]]
    failure = error(tmp_path, [row("select_one colors", "color", "رنگ", "Colour")], choices=choices)
    assert (failure.sheet, failure.row) == ("choices", 6)
    assert "choice 'red' needs a label in the default language 'fa'" in failure.reason


def test_bad_settings(tmp_path: Path) -> None:
    settings = [["form_id", "default_language"], ["Bad Code", "Persian (fa)"]]
    failure = error(tmp_path, [row("text", "a", "الف", "A")], settings=settings)
    assert (failure.sheet, failure.row) == ("settings", 2)
    assert "code" in failure.reason
    settings = [["form_id", "default_language"], ["ok", "Persian"]]  # a language name is matched to its code
    assert load_xlsform(workbook(tmp_path, [row("text", "a", "الف", "A")], settings=settings)).languages[0] == "fa"


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(SurveyFormatError, match="not found"):
        load_xlsform(tmp_path / "nope.xlsx")
