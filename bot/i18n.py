"""User-facing text from the locale files (bot/locales/<lang>/*.yaml, one per feature), Persian first."""

from __future__ import annotations

from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from backend.jalali import format_date
from backend.locales import DEFAULT_LANGUAGE, LANGUAGES, localize_number, pick_language, read_catalog

__all__ = ["DEFAULT_LANGUAGE", "LANGUAGES", "LOCALES", "catalog", "localize_number", "pick_language", "t"]

LOCALES = Path(__file__).with_name("locales")


@cache
def catalog(lang: str) -> dict[str, str]:
    """All texts of one language (every ``locales/<lang>/*.yaml``), keyed by dotted path."""
    return read_catalog(LOCALES, lang)


def t(key: str, lang: str, /, **params: Any) -> str:
    """The text for ``key`` in ``lang`` with ``params`` filled in (numbers and dates localized)."""
    text = catalog(pick_language(lang))[key]
    if not params:
        return text
    shown = {k: _localized(v, lang) for k, v in params.items()}
    return text.format(**shown)


def _localized(value: Any, lang: str) -> Any:
    """A number or a date as ``lang`` writes it; anything else as it is."""
    if isinstance(value, date):
        return format_date(value, lang)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return localize_number(value, lang)
    return value
