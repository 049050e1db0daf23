"""Import an XLSForm workbook (.xlsx) as a SurveyDefinition.

pyxform reads the workbook (``get_xlsform`` and ``workbook_to_json``: its header and type
aliases, choice lists, settings and its own checks); this module maps the resulting JSON
onto our model and checks what pyxform lets through but we cannot run.

Conventions
-----------
- **survey** sheet columns: ``type``, ``name``, ``label::<language>``, ``hint::<language>``,
  ``required`` (yes/no), ``relevant``, ``constraint``, ``constraint_message::<language>``,
  ``choice_filter``, ``appearance``, ``parameters`` and our own ``rank_count``.
- **Languages** are named as in ODK, ``Persian (fa)``, ``English (en)``: we keep the code in
  parentheses (a bare code such as ``fa`` works too). Columns without a suffix are in the
  settings' ``default_language``, or Persian if the settings name none. The default
  language comes first in ``languages``.
- **Types**: ``text``, ``integer``, ``decimal``, ``range`` (``parameters`` start/end/step,
  XLSForm defaults 1/10/1), ``select_one <list>``, ``select_multiple <list>``, ``rank <list>``,
  ``date``, ``note``, ``acknowledge``.
- **Plan-aware types** are written as bare type names with no list: ``district``, ``axis``,
  ``axes_rank`` and ``problem``; their choices come from the plan at answer time (e.g.
  ``district`` in the type column, or ``axes_rank`` with ``rank_count`` 3). pyxform's
  ``workbook_to_json`` passes unknown type names through untouched, so no placeholder choice
  lists are needed; the price is that such a workbook no longer converts to an ODK XForm.
- ``begin_group``/``end_group`` are flattened: members carry the innermost group name and
  the groups' relevant, folded in with ``and``. Repeats, other question types (geopoint,
  image, calculate, start, ...), choices from files and unsupported columns (default,
  read_only, calculation, ...) fail the import.
- **settings** sheet: ``form_id`` → code (a lower-case slug), ``form_title`` → title,
  ``version``, ``default_language``, and our own ``allow_multiple_responses`` (yes/no) and
  ``description``.

Every problem raises SurveyImportError with the sheet, the Excel row (header = row 1) and
the reason; relevant, constraint and choice_filter expressions are compiled on import.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from pyxform.aliases import yes_no
from pyxform.errors import PyXFormError
from pyxform.parsing.parameters import parse as parse_parameters
from pyxform.xls2json import workbook_to_json
from pyxform.xls2json_backends import DefinitionData, get_xlsform

from backend.surveys.errors import SurveyFormatError, SurveyImportError, locate
from backend.surveys.model import (
    LANGUAGE_PATTERN,
    OWN_CHOICE_TYPES,
    QuestionType,
    SurveyDefinition,
    fold_relevant,
)

SURVEY, CHOICES, SETTINGS = "survey", "choices", "settings"
FALLBACK_LANGUAGE = "fa"
_FIRST_DATA_ROW = 2  # Excel rows count from 1 and row 1 holds the headers
_PYXFORM_DEFAULT_LANGUAGE = "default"

_TYPES = {
    "text": QuestionType.TEXT,
    "integer": QuestionType.INTEGER,
    "decimal": QuestionType.DECIMAL,
    "range": QuestionType.RANGE,
    "select one": QuestionType.SELECT_ONE,
    "select all that apply": QuestionType.SELECT_MULTIPLE,
    "rank": QuestionType.RANK,
    "date": QuestionType.DATE,
    "note": QuestionType.NOTE,
    "acknowledge": QuestionType.ACKNOWLEDGE,
    "district": QuestionType.DISTRICT,
    "axis": QuestionType.AXIS,
    "axes_rank": QuestionType.AXES_RANK,
    "problem": QuestionType.PROBLEM,
}
_RANGE_DEFAULTS = {"start": "1", "end": "10", "step": "1"}
_QUESTION_KEYS = {
    "type", "name", "label", "hint", "bind", "control", "parameters",
    "itemset", "list_name", "choices", "choice_filter", "rank_count",
}  # fmt: skip
_GROUP_KEYS = {"type", "name", "label", "bind", "control", "children"}
_BIND_KEYS = {"relevant", "required", "constraint", "jr:constraintMsg"}
_CONTROL_KEYS = {"appearance", *_RANGE_DEFAULTS}
_LANGUAGE_IN_PARENTHESES = re.compile(r".*\(\s*([A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})?)\s*\)\s*")
_PYXFORM_ROW = re.compile(r"\[row : (\d+)\]\s*")
_PYXFORM_SHEET = re.compile(r"'(survey|choices|settings)' sheet")


def _import_error(error: PyXFormError) -> SurveyImportError:
    message = str(error)
    row = _PYXFORM_ROW.search(message)
    sheet = _PYXFORM_SHEET.search(message)
    return SurveyImportError(
        sheet[1] if sheet else SURVEY, int(row[1]) if row else None, _PYXFORM_ROW.sub("", message).strip()
    )


def _row_numbers(rows: Sequence[Mapping[str, Any]] | None, key: Any) -> dict[Any, int]:
    """Map key(row) → Excel row number; pyxform keeps blank rows, so positions are exact."""
    numbers: dict[Any, int] = {}
    for offset, row in enumerate(rows or ()):
        numbers.setdefault(key(row), offset + _FIRST_DATA_ROW)
    return numbers


class _Importer:
    """Maps pyxform's JSON form onto SurveyDefinition fields, remembering each question's row."""

    def __init__(self, data: DefinitionData, form: dict[str, Any]) -> None:
        self.form = form
        self.has_settings = bool(data.settings)
        self.survey_rows = _row_numbers(data.survey, lambda row: row.get("name"))
        self.type_rows = _row_numbers(data.survey, lambda row: row.get("type"))  # for rows pyxform names
        self.survey_types = {row.get("name"): row.get("type") for row in reversed(data.survey or ())}
        self.choice_rows = _row_numbers(data.choices, lambda row: (row.get("list_name"), row.get("name")))
        default = form.get("default_language", _PYXFORM_DEFAULT_LANGUAGE)
        self.default_language = (
            FALLBACK_LANGUAGE
            if default == _PYXFORM_DEFAULT_LANGUAGE
            else self.language_code(default, SETTINGS, self.settings_row)
        )
        self.languages = [self.default_language]
        self.question_rows: list[int | None] = []
        self.question_choice_rows: list[list[int | None]] = []

    @property
    def settings_row(self) -> int | None:
        return _FIRST_DATA_ROW if self.has_settings else None

    def language_code(self, name: str, sheet: str, row: int | None) -> str:
        """The code of a pyxform language name such as "Persian (fa)", "fa" or "default"."""
        if name == _PYXFORM_DEFAULT_LANGUAGE:
            return self.default_language
        match = _LANGUAGE_IN_PARENTHESES.fullmatch(name)
        code = (match[1] if match else name).lower()
        if not re.fullmatch(LANGUAGE_PATTERN, code):
            raise SurveyImportError(sheet, row, f"language {name!r} needs a code, e.g. 'Persian (fa)'")
        return code

    def texts(self, value: Any, sheet: str, row: int | None) -> dict[str, str]:
        """pyxform's label/hint value (a string, or language name → string) as lang → text."""
        if not isinstance(value, dict):
            value = {_PYXFORM_DEFAULT_LANGUAGE: value} if value else {}
        texts: dict[str, str] = {}
        for name, text in value.items():
            code = self.language_code(name, sheet, row)
            if not isinstance(text, str):
                raise SurveyImportError(sheet, row, f"{name} text must be plain text (media are not supported)")
            texts[code] = text
            if code not in self.languages:
                self.languages.append(code)
        return texts

    @staticmethod
    def flag(value: Any, column: str, sheet: str, row: int | None) -> bool:
        if value is None or value == "":
            return False
        if isinstance(value, bool):
            return value
        if value not in yes_no:
            raise SurveyImportError(
                sheet, row, f"{column} must be yes or no, not {value!r} (expressions are not supported)"
            )
        return yes_no[value]

    @staticmethod
    def check_keys(element: Mapping[str, Any], allowed: set[str], row: int | None, what: str = "column") -> None:
        unknown = sorted(set(element) - allowed)
        if unknown:
            raise SurveyImportError(SURVEY, row, f"{what} {unknown[0]!r} is not supported")

    def walk(
        self, children: Sequence[dict[str, Any]], group: str | None = None, relevant: str | None = None
    ) -> Iterator[dict[str, Any]]:
        """Yield question dicts in order, flattening groups."""
        for child in children:
            kind, name = child.get("type"), child.get("name")
            row = self.survey_rows.get(name) or self.type_rows.get(kind)
            if kind == "group" and child.get("control", {}).get("bodyless"):
                # pyxform's meta block: its own instanceID, plus metadata rows such as audit
                yield from self.walk([c for c in child.get("children", []) if c.get("name") != "instanceID"])
            elif kind == "group":
                self.check_keys(child, _GROUP_KEYS, row)
                self.check_keys(child.get("bind", {}), {"relevant"}, row, "group column")
                group_relevant = fold_relevant(relevant, child.get("bind", {}).get("relevant"))
                yield from self.walk(child.get("children", []), name, group_relevant)
            elif kind == "repeat":
                raise SurveyImportError(SURVEY, row, "repeat groups are not supported")
            elif kind not in _TYPES:
                written = self.survey_types.get(name, kind)
                raise SurveyImportError(SURVEY, row, f"question type {written!r} is not supported")
            else:
                self.question_rows.append(row)
                yield self.question(child, _TYPES[kind], row, group, relevant)

    def parameters(self, child: Mapping[str, Any], row: int | None) -> dict[str, str]:
        raw = child.get("parameters", {})
        if isinstance(raw, str):  # pyxform leaves a plan-aware type's parameters unparsed
            try:
                return parse_parameters(raw, row or 0)
            except PyXFormError as exc:
                raise _import_error(exc) from None
        return dict(raw)

    def question(
        self, child: Mapping[str, Any], kind: QuestionType, row: int | None, group: str | None, relevant: str | None
    ) -> dict[str, Any]:
        self.check_keys(child, _QUESTION_KEYS, row)
        bind, control = child.get("bind", {}), child.get("control", {})
        self.check_keys(bind, _BIND_KEYS, row)
        self.check_keys(control, _CONTROL_KEYS, row)
        parameters = self.parameters(child, row)
        question: dict[str, Any] = {
            "name": child.get("name"),
            "type": kind,
            "label": self.texts(child.get("label"), SURVEY, row),
            "hint": self.texts(child.get("hint"), SURVEY, row),
            "required": self.flag(bind.get("required"), "required", SURVEY, row),
            "relevant": fold_relevant(relevant, bind.get("relevant")),
            "constraint": bind.get("constraint"),
            "constraint_message": self.texts(bind.get("jr:constraintMsg"), SURVEY, row),
            "choice_filter": child.get("choice_filter"),
            "group": group,
            "appearance": control.get("appearance"),
        }
        if kind is QuestionType.RANGE:
            for key, default in _RANGE_DEFAULTS.items():
                question[key] = parameters.pop(key, default)
        question["parameters"] = parameters
        if "rank_count" in child:
            question["rank_count"] = child["rank_count"]
        choice_rows: list[int | None] = []
        if kind in OWN_CHOICE_TYPES:
            if "." in child.get("itemset", ""):
                raise SurveyImportError(SURVEY, row, "choices from a file are not supported")
            list_name = child.get("list_name")
            choice_rows = [self.choice_rows.get((list_name, c.get("name"))) for c in child.get("choices", [])]
            question["choices"] = [
                self.choice(c, r) for c, r in zip(child.get("choices", []), choice_rows, strict=True)
            ]
        self.question_choice_rows.append(choice_rows)
        return question

    def choice(self, raw: Mapping[str, Any], row: int | None) -> dict[str, Any]:
        extra = {key: value for key, value in raw.items() if key not in ("name", "label")}
        for key, value in extra.items():
            if not isinstance(value, str):
                raise SurveyImportError(CHOICES, row, f"column {key!r} is not supported")
        return {"name": raw.get("name"), "label": self.texts(raw.get("label"), CHOICES, row), "extra": extra}

    def definition(self) -> SurveyDefinition:
        form = self.form
        questions = list(self.walk(form.get("children", [])))
        data = {
            "code": form.get("id_string"),
            "version": form.get("version"),
            "title": self.texts(form.get("title"), SETTINGS, self.settings_row),
            "description": self.texts(form.get("description"), SETTINGS, self.settings_row),
            "languages": self.languages,
            "allow_multiple_responses": self.flag(
                form.get("allow_multiple_responses"), "allow_multiple_responses", SETTINGS, self.settings_row
            ),
            "questions": questions,
        }
        try:
            return SurveyDefinition.model_validate(data)
        except ValidationError as exc:
            raise self.explain(exc, questions) from None

    def explain(self, error: ValidationError, questions: Sequence[Mapping[str, Any]]) -> SurveyImportError:
        """The validation error as a SurveyImportError on the right sheet and row."""
        problem = locate(error)
        index = problem.index
        if index is None and problem.question is not None:
            names = [q.get("name") for q in questions]
            index = names.index(problem.question) if problem.question in names else None
        if index is None:
            return SurveyImportError(SETTINGS, self.settings_row, problem.describe())
        name = questions[index].get("name")
        choice = re.match(r"choices\.(\d+)", problem.field)
        if choice and int(choice[1]) < len(self.question_choice_rows[index]):
            return SurveyImportError(CHOICES, self.question_choice_rows[index][int(choice[1])], problem.describe(name))
        return SurveyImportError(SURVEY, self.question_rows[index], problem.describe(name))


def load_xlsform(path: str | Path) -> SurveyDefinition:
    """Import the XLSForm workbook at ``path``; SurveyImportError names sheet, row and reason."""
    file = Path(path)
    if not file.is_file():
        raise SurveyFormatError(f"XLSForm {file}: not found")
    try:
        data = get_xlsform(file)
        form = workbook_to_json(data, fallback_form_name=data.fallback_form_name, warnings=[])
    except PyXFormError as exc:
        raise _import_error(exc) from None
    return _Importer(data, form).definition()
