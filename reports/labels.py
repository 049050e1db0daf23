"""Report labels from the locale files (``reports/locales/<lang>/*.yaml``), Persian first."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from backend.locales import localize_number, pick_language, read_catalog

LOCALES = Path(__file__).with_name("locales")


@cache
def catalog(lang: str) -> dict[str, str]:
    """Every report label of one language, keyed by dotted path."""
    return read_catalog(LOCALES, lang)


def label(key: str, lang: str, /, **params: Any) -> str:
    """The label ``key`` in ``lang`` with ``params`` filled in (numbers localized)."""
    lang = pick_language(lang)
    text = catalog(lang)[key]
    shown = {
        k: localize_number(v, lang) if isinstance(v, int | float) and not isinstance(v, bool) else v
        for k, v in params.items()
    }
    return text.format(**shown) if shown else text
