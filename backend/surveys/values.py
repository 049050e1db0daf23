"""Answer values to and from JSON, for storing responses (see ``state`` for the value types)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from backend.surveys.model import Question, QuestionType

JSON = None | bool | int | float | str | list[Any] | dict[str, Any]


def to_json(value: Any) -> JSON:
    """A JSON-ready form of an answer value: dates as ISO strings, Decimals as strings."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, list | tuple):
        return [to_json(item) for item in value]
    if isinstance(value, dict):
        return {key: to_json(item) for key, item in value.items()}
    return value


def from_json(question: Question, data: JSON) -> Any:
    """The answer value for ``question`` from its ``to_json`` form."""
    if question.type is QuestionType.DATE and isinstance(data, str):
        return date.fromisoformat(data)
    if question.type in (QuestionType.DECIMAL, QuestionType.RANGE) and isinstance(data, str):
        return Decimal(data)
    return data
