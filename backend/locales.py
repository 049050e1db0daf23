"""Text catalogs: a directory ``<lang>/*.yaml`` (one file per feature) read into dotted keys.
The bot's texts (``bot/locales``) and the reports' labels (``reports/locales``) both use it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from backend.text import to_persian_digits

LANGUAGES = ("fa", "en")
DEFAULT_LANGUAGE = "fa"


def _flatten(tree: dict[str, Any], prefix: str = "") -> dict[str, str]:
    flat: dict[str, str] = {}
    for key, value in tree.items():
        if not isinstance(key, str):  # YAML 1.1 reads yes/no/on/off keys as booleans
            raise ValueError(f"locale key {prefix}{key!r} is not a string; quote it or rename it")
        path = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(_flatten(value, f"{path}."))
        else:
            flat[path] = str(value)
    return flat


def read_catalog(directory: Path, lang: str) -> dict[str, str]:
    """All texts of one language under ``directory/<lang>/*.yaml``, keyed by dotted path."""
    texts: dict[str, str] = {}
    for path in sorted((directory / lang).glob("*.yaml")):
        for key, value in _flatten(yaml.safe_load(path.read_text(encoding="utf-8"))).items():
            if key in texts:
                raise ValueError(f"{path}: text {key!r} is defined twice")
            texts[key] = value
    return texts


def pick_language(code: str | None) -> str:
    """A supported language for ``code``; anything unknown gives the default (Persian)."""
    return code if code in LANGUAGES else DEFAULT_LANGUAGE


def localize_digits(text: object, lang: str) -> str:
    """``text`` with its digits as the language writes them (Persian digits in Persian): for
    identifiers, dates and counts read as labels; quantities go through ``localize_number``."""
    return to_persian_digits(str(text)) if lang == "fa" else str(text)


def localize_number(
    value: int | float, lang: str, *, signed: bool = False, decimals: int = 2, trim: bool = False
) -> str:
    """A number as the user reads it: thousands separated, ``decimals`` places for a float (trailing
    zeros dropped when ``trim``), a sign if ``signed``, Persian digits and separators in Persian."""
    sign = "+" if signed else ""
    text = f"{value:{sign},}" if isinstance(value, int) else f"{value:{sign},.{decimals}f}"
    if trim and "." in text:
        text = text.rstrip("0").rstrip(".")
    if lang == "fa":
        return to_persian_digits(text.replace(",", "٬").replace(".", "٫").replace("-", "−"))
    return text
