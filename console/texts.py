"""The console's words: ``console/locales/<lang>/*.yaml``, Persian first, English second."""

from __future__ import annotations

from datetime import date, datetime
from functools import cache
from pathlib import Path

from backend.jalali import format_date, format_datetime
from backend.locales import DEFAULT_LANGUAGE, LANGUAGES, localize_digits, localize_number, pick_language, read_catalog

LOCALES = Path(__file__).parent / "locales"
__all__ = ["LANGUAGES", "catalog", "pick_language", "t", "number", "when", "digits"]


@cache
def catalog(lang: str) -> dict[str, str]:
    """Every console text of one language, by dotted key."""
    return read_catalog(LOCALES, lang)


def t(key: str, lang: str, **params: object) -> str:
    """The text ``key`` in ``lang`` filled with ``params``; the default language's if ``lang`` lacks it."""
    text = catalog(lang).get(key) or catalog(DEFAULT_LANGUAGE).get(key)
    if text is None:
        raise KeyError(f"console text {key!r} is missing")
    return text.format(**params) if params else text


def number(value: int | float, lang: str, *, signed: bool = False) -> str:
    """A count or figure as the reader writes numbers (Persian digits in Persian); a signed one is kept
    left to right (Unicode isolates) so its sign stays in front of it inside right-to-left text."""
    text = localize_number(value, lang, signed=signed, trim=True)
    return f"\u2066{text}\u2069" if signed else text


def digits(value: object, lang: str) -> str:
    """An identifier or label with the reader's digits."""
    return localize_digits(value, lang)


def when(value: date | datetime | None, lang: str) -> str:
    """A date or time in the Jalali calendar (the plan's zone), empty for none."""
    if value is None:
        return ""
    return format_datetime(value, lang) if isinstance(value, datetime) else format_date(value, lang)


def refusal(key: str, lang: str, params: dict[str, object]) -> str:
    """Why something was refused, in words; a general reason for a key the console has no text for."""
    known = key in catalog(lang) or key in catalog(DEFAULT_LANGUAGE)
    try:
        return t(key, lang, **params) if known else t("refused.general", lang)
    except (KeyError, IndexError):  # a text naming a parameter the refusal did not give
        return t("refused.general", lang)
