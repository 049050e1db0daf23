"""Import an XLSForm workbook (.xlsx) as a SurveyDefinition.

pyxform reads the workbook (``get_xlsform`` and ``workbook_to_json``: its header and type
aliases, choice lists, settings and its own checks); this module maps the resulting JSON
onto our model and refuses, in one line naming the sheet, row and type, what has no meaning
in a chat. What pyxform accepts, Meydan accepts otherwise.

Conventions
-----------
- **survey** sheet columns: ``type``, ``name``, ``label``/``label::<language>``,
  ``hint::<language>``, ``required`` (yes/no), ``required_message``, ``relevant``,
  ``constraint``, ``constraint_message::<language>``, ``choice_filter``, ``appearance``,
  ``parameters``, ``calculation``, ``default``, ``read_only``, ``repeat_count`` and our own
  ``rank_count``.
- **Languages** are written ``English (en)``, ``en``, or by name alone (``English``,
  ``Farsi``, ``فارسی``: see ``languages``); a name with no known code is kept as its own
  language. Columns without a suffix are in the default language: the settings'
  ``default_language``, else Persian if the form has Persian or unsuffixed texts, else the
  first language of the form.
- **Types**: any name or old alias pyxform knows, by what it asks for (see ``xlsform_types``);
  ``select_one <list> or_other`` adds the "other" choice and a follow-up text question.
- **Plan-aware types** are written as bare type names with no list: ``district``, ``axis``,
  ``axes_rank`` and ``problem``; their choices come from the plan at answer time (e.g.
  ``district`` in the type column, or ``axes_rank`` with ``rank_count`` 3). pyxform's
  ``workbook_to_json`` passes unknown type names through untouched, so no placeholder choice
  lists are needed; the price is that such a workbook no longer converts to an ODK XForm.
- ``begin_group``/``end_group`` are flattened: members carry the innermost group name and
  the groups' relevant, folded in with ``and``. ``begin_repeat``/``end_repeat`` (not nested)
  become a Repeat whose members carry its name; ``repeat_count`` is its count.
- **settings** sheet: ``form_id`` → code (a lower-case slug), ``form_title`` → title,
  ``version``, ``default_language``, ``allow_choice_duplicates``, ``instance_name``, and our
  own ``allow_multiple_responses`` (yes/no) and ``description``.

Every problem raises SurveyImportError with the sheet, the Excel row (header = row 1) and
the reason; every expression is compiled on import.
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
from backend.surveys.languages import language_code
from backend.surveys.model import OWN_CHOICE_TYPES, QuestionType, SurveyDefinition, fold_relevant
from backend.surveys.xlsform_types import classify

SURVEY, CHOICES, SETTINGS = "survey", "choices", "settings"
FALLBACK_LANGUAGE = "fa"
_FIRST_DATA_ROW = 2  # Excel rows count from 1 and row 1 holds the headers
_PYXFORM_DEFAULT_LANGUAGE = "default"
_RANGE_DEFAULTS = {"start": "1", "end": "10", "step": "1"}
_QUESTION_KEYS = {
    "type", "name", "label", "hint", "bind", "control", "parameters", "default",
    "itemset", "list_name", "choices", "choice_filter", "rank_count",
}  # fmt: skip
_GROUP_KEYS = {"type", "name", "label", "bind", "control", "children"}
_BIND_KEYS = {
    "relevant", "required", "constraint", "jr:constraintMsg", "jr:requiredMsg", "calculate", "readonly",
    "orx:max-pixels",
}  # fmt: skip
_CONTROL_KEYS = {"appearance", *_RANGE_DEFAULTS}
_PYXFORM_ROW = re.compile(r"\[row : (\d+)\]\s*")
_PYXFORM_SHEET = re.compile(r"'(survey|choices|settings)' sheet")
_OTHER_RELEVANT = re.compile(r"selected\(\.\./(\S+), 'other'\)")


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


def _refusal(row: int | None, written: str, why: str) -> SurveyImportError:
    return SurveyImportError(SURVEY, row, f"type {written!r} is refused: {why}")


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
        self.declared_default = default != _PYXFORM_DEFAULT_LANGUAGE
        self.default_language = language_code(default) if self.declared_default else FALLBACK_LANGUAGE
        self.languages: list[str] = []
        self.question_rows: list[int | None] = []
        self.question_choice_rows: list[list[int | None]] = []
        self.repeats: list[dict[str, Any]] = []
        self.select_labels: dict[str, dict[str, str]] = {}  # for or_other's follow-up question

    @property
    def settings_row(self) -> int | None:
        return _FIRST_DATA_ROW if self.has_settings else None

    def texts(self, value: Any, sheet: str, row: int | None) -> dict[str, str]:
        """pyxform's label/hint value (a string, or language name → string) as lang → text."""
        if not isinstance(value, dict):
            value = {_PYXFORM_DEFAULT_LANGUAGE: value} if value else {}
        texts: dict[str, str] = {}
        for name, text in value.items():
            code = self.default_language if name == _PYXFORM_DEFAULT_LANGUAGE else language_code(name)
            if not isinstance(text, str):
                raise SurveyImportError(sheet, row, f"{name} text must be plain text (media are not supported)")
            texts[code] = text
            if code not in self.languages:
                self.languages.append(code)
        return texts

    def ordered_languages(self) -> list[str]:
        """The languages, default first: declared, else Persian if used, else the form's first."""
        if not self.declared_default and self.default_language not in self.languages and self.languages:
            self.default_language = self.languages[0]
        return [self.default_language, *(lang for lang in self.languages if lang != self.default_language)]

    @staticmethod
    def flag(value: Any, column: str, sheet: str, row: int | None) -> bool:
        if value is None or value == "":
            return False
        if isinstance(value, bool):
            return value
        if value == "true()":
            return True
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

    def row_of(self, child: Mapping[str, Any]) -> int | None:
        return self.survey_rows.get(child.get("name")) or self.type_rows.get(child.get("type"))

    def walk(
        self,
        children: Sequence[dict[str, Any]],
        group: str | None = None,
        relevant: str | None = None,
        repeat: str | None = None,
    ) -> Iterator[dict[str, Any]]:
        """Yield question dicts in order, flattening groups and marking repeat members."""
        for child in children:
            kind, name = child.get("type"), child.get("name")
            row = self.row_of(child)
            if kind == "group" and child.get("control", {}).get("bodyless"):
                # pyxform's meta block: its own instanceID and instanceName, plus metadata rows such as audit
                meta = [c for c in child.get("children", []) if c.get("name") not in ("instanceID", "instanceName")]
                yield from self.walk(meta)
            elif kind == "group":
                self.check_keys(child, _GROUP_KEYS, row)
                self.check_keys(child.get("bind", {}), {"relevant"}, row, "group column")
                group_relevant = fold_relevant(relevant, child.get("bind", {}).get("relevant"))
                yield from self.walk(child.get("children", []), name, group_relevant, repeat)
            elif kind == "repeat":
                if repeat is not None:
                    raise _refusal(
                        row,
                        "begin repeat",
                        f"repeat {name!r} is nested in repeat {repeat!r}, and a chat asks one repeat at a time",
                    )
                yield from self.repeat(child, row, group, relevant)
            else:
                question = self.question(child, row, group, relevant, repeat)
                if question is not None:
                    self.question_rows.append(row)
                    yield question

    def repeat(
        self, child: Mapping[str, Any], row: int | None, group: str | None, relevant: str | None
    ) -> Iterator[dict[str, Any]]:
        self.check_keys(child, _GROUP_KEYS, row)
        self.check_keys(child.get("control", {}), {"appearance", "jr:count"}, row, "repeat column")
        self.check_keys(child.get("bind", {}), {"relevant"}, row, "repeat column")
        name = child.get("name")
        inner = fold_relevant(relevant, child.get("bind", {}).get("relevant"))
        self.repeats.append(
            {
                "name": name,
                "label": self.texts(child.get("label"), SURVEY, row),
                "count": child.get("control", {}).get("jr:count"),
                "relevant": inner,
            }
        )
        yield from self.walk(child.get("children", []), group, inner, name)

    def parameters(self, child: Mapping[str, Any], row: int | None) -> dict[str, str]:
        raw = child.get("parameters", {})
        if isinstance(raw, str):  # pyxform leaves some types' parameters unparsed
            try:
                return parse_parameters(raw, row or 0)
            except PyXFormError as exc:
                raise _import_error(exc) from None
        return dict(raw)

    def question(
        self, child: Mapping[str, Any], row: int | None, group: str | None, relevant: str | None, repeat: str | None
    ) -> dict[str, Any] | None:
        """The question dict for one pyxform question; None for metadata a chat ignores."""
        name = child.get("name")
        written = str(self.survey_types.get(name) or child.get("type"))
        kind = classify(child)
        if kind.refused:
            raise _refusal(row, written, kind.refused)
        if kind.ignored:
            return None
        assert kind.type is not None
        self.check_keys(child, _QUESTION_KEYS, row)
        bind, control = child.get("bind", {}), child.get("control", {})
        self.check_keys(bind, _BIND_KEYS, row)
        self.check_keys(control, _CONTROL_KEYS, row)
        parameters = self.parameters(child, row)
        read_only = self.flag(bind.get("readonly"), "read_only", SURVEY, row)
        question: dict[str, Any] = {
            "name": name,
            "type": kind.type,
            "label": self.texts(child.get("label"), SURVEY, row),
            "hint": self.texts(child.get("hint"), SURVEY, row),
            "required": self.flag(bind.get("required"), "required", SURVEY, row),
            "relevant": fold_relevant(relevant, bind.get("relevant")),
            "constraint": bind.get("constraint"),
            "constraint_message": self.texts(bind.get("jr:constraintMsg"), SURVEY, row),
            "required_message": self.texts(bind.get("jr:requiredMsg"), SURVEY, row),
            "choice_filter": child.get("choice_filter"),
            "group": group,
            "repeat": repeat,
            "appearance": control.get("appearance"),
            "calculation": bind.get("calculate"),
            "default": child.get("default"),
            "metadata": kind.metadata,
        }
        if read_only and kind.type is not QuestionType.CALCULATE:
            question |= {"type": QuestionType.CALCULATE, "calculation": _quoted(child.get("default"))}
        elif kind.type in (QuestionType.NOTE, QuestionType.CALCULATE, QuestionType.METADATA):
            question["required"] = False
        if kind.type is QuestionType.RANGE:
            for key, default in _RANGE_DEFAULTS.items():
                question[key] = parameters.pop(key, default)
        question["parameters"] = parameters
        if "rank_count" in child:
            question["rank_count"] = child["rank_count"]
        self.other_follow_up(question, written)
        choice_rows: list[int | None] = []
        if kind.type in OWN_CHOICE_TYPES:
            question["or_other"] = written.split()[-1] == "or_other"
            self.select_labels[str(name)] = question["label"]
            if "." in child.get("itemset", ""):
                raise _refusal(
                    row, written, f"its choices live in the file {child['itemset']!r}, which is not part of the form"
                )
            list_name = child.get("list_name")
            choice_rows = [self.choice_rows.get((list_name, c.get("name"))) for c in child.get("choices", [])]
            question["choices"] = [
                self.choice(c, r) for c, r in zip(child.get("choices", []), choice_rows, strict=True)
            ]
        self.question_choice_rows.append(choice_rows)
        return question

    def other_follow_up(self, question: dict[str, Any], written: str) -> None:
        """pyxform's "specify other" text question for an or_other select: it asks in the
        select's own words (the bot adds what to type), and names the select in ``other_of``."""
        relevant = question.get("relevant") or ""
        match = _OTHER_RELEVANT.search(relevant)
        if written != "text" or question["name"] != f"{match[1] if match else ''}_other" or not match:
            return
        select = self.select_labels.get(match[1])
        if select is not None:
            question |= {
                "label": select,
                "other_of": match[1],
                "relevant": relevant.replace(f"../{match[1]}", f"${{{match[1]}}}"),
            }

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
            "languages": self.ordered_languages(),
            "allow_multiple_responses": self.flag(
                form.get("allow_multiple_responses"), "allow_multiple_responses", SETTINGS, self.settings_row
            ),
            "allow_choice_duplicates": self.flag(
                form.get("allow_choice_duplicates"), "allow_choice_duplicates", SETTINGS, self.settings_row
            ),
            "instance_name": form.get("instance_name"),
            "questions": questions,
            "repeats": self.repeats,
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


def _quoted(value: Any) -> str:
    """A read-only question's default as an expression (a string literal)."""
    text = "" if value is None else str(value)
    return f"'{text}'" if "'" not in text else f'"{text}"'


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
