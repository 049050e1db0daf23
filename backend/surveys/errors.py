"""Errors for survey files, and locating a pydantic validation error in a definition."""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import ValidationError

from backend.errors import MeydanError
from backend.surveys.model import QuestionError


class SurveyFormatError(MeydanError):
    """A survey file that cannot be loaded; ``str()`` says where and why."""


class SurveyImportError(SurveyFormatError):
    """An XLSForm that cannot be imported: the sheet, the Excel row (header = 1) and the reason."""

    def __init__(self, sheet: str, row: int | None, reason: str) -> None:
        where = f"sheet {sheet!r}" + (f", row {row}" if row is not None else "")
        super().__init__(f"{where}: {reason}")
        self.sheet = sheet
        self.row = row
        self.reason = reason


@dataclass(frozen=True)
class Located:
    """Where a definition is wrong: the question (by index in the input list and/or by name),
    the field within it (or a top-level field when both are None), and why."""

    index: int | None
    question: str | None
    field: str
    reason: str

    def describe(self, question_name: str | None = None) -> str:
        """A one-line explanation, naming ``question_name`` if the error itself does not."""
        name = self.question or question_name
        where = f"question {name!r}, field {self.field!r}" if name else f"field {self.field!r}"
        return f"{where}: {self.reason}"


def locate(error: ValidationError) -> Located:
    """The first problem of a SurveyDefinition validation error, located."""
    detail = error.errors()[0]
    loc = tuple(detail["loc"])
    index = loc[1] if len(loc) >= 2 and loc[0] == "questions" and isinstance(loc[1], int) else None
    cause = detail.get("ctx", {}).get("error")
    if isinstance(cause, QuestionError):
        return Located(index, cause.question, cause.field or "", cause.reason)
    path = loc[2:] if index is not None else loc
    field = ".".join(str(part) for part in path) or "(definition)"
    return Located(index, None, field, detail["msg"].removeprefix("Value error, "))
