"""Flags computed on a finding's text at intake, for the moderation queue: possible personal data
(phone numbers, national ids, e-mail addresses, car plate numbers; Persian, Arabic-Indic or Latin
digits) and words from the abuse list (``abuse_words.yaml``). A flag asks a person to look; it hides
nothing by itself. Repeats from one participant need the database: see ``backend.moderation.queue``."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import yaml

from backend.text import normalize_persian, to_latin_digits

ABUSE_FILE = Path(__file__).with_name("abuse_words.yaml")
PHONE, NATIONAL_ID, EMAIL, PLATE, ABUSE, REPEAT = "phone", "national_id", "email", "plate", "abuse", "repeat"
FLAGS = (PHONE, NATIONAL_ID, EMAIL, PLATE, ABUSE, REPEAT)

_SEP = r"[\s\-.\u200c]?"  # one space, dash, dot or half-space between digit groups
_MOBILE = re.compile(rf"(?<!\d)(?:\+98|0098|0)?{_SEP}9\d{{2}}{_SEP}\d{{3}}{_SEP}\d{{2}}{_SEP}\d{{2}}(?!\d)")
_LANDLINE = re.compile(
    rf"(?<!\d)0\d{{2}}{_SEP}\d{{4}}{_SEP}?\d{{4}}(?!\d)|(?<!\d)(?:\+98|0098){_SEP}\d{{2}}{_SEP}\d{{8}}(?!\d)"
)
_TEN_DIGITS = re.compile(r"(?<!\d)(\d{3})[\s\-]?(\d{6})[\s\-]?(\d)(?!\d)")
_EMAIL = re.compile(r"[\w.+\-]+\s?(?:@|＠)\s?[\w\-]+(?:\.[\w\-]+)+")
# An Iranian plate: two digits, a letter, three digits, then "ایران" and two digits (in any spacing).
_PLATE = re.compile(
    r"(?<!\d)\d{2}\s*[\u0621-\u06cc]\s*\d{3}(?!\d)(?:\s*[-–|]?\s*(?:ایران|iran)?\s*[-–|]?\s*\d{2}(?!\d))?"
    r"|(?:ایران|iran)\s*\d{2}\s*[-–|]?\s*\d{3}\s*[\u0621-\u06cc]\s*\d{2}(?!\d)",
    re.IGNORECASE,
)
_WORD = re.compile(r"[\w\u200c]+")


def is_national_id(digits: str) -> bool:
    """Whether ten digits are a valid Iranian national id (its check digit; not all one digit)."""
    if len(digits) != 10 or not digits.isdigit() or len(set(digits)) == 1:
        return False
    total = sum(int(digits[i]) * (10 - i) for i in range(9)) % 11
    check = int(digits[9])
    return check == total if total < 2 else check == 11 - total


@cache
def abuse_words(path: Path = ABUSE_FILE) -> frozenset[str]:
    """The abuse list, normalized as texts are (phrases of several words kept whole)."""
    words = yaml.safe_load(path.read_text(encoding="utf-8"))["words"]
    return frozenset(_fold(str(word)) for word in words)


def _fold(text: str) -> str:
    return to_latin_digits(normalize_persian(text)).lower()


def personal_data(text: str) -> list[str]:
    """The kinds of personal data ``text`` may hold (phone, national_id, email, plate), in that order."""
    folded = _fold(text)
    found = []
    if _MOBILE.search(folded) or _LANDLINE.search(folded):
        found.append(PHONE)
    if any(is_national_id("".join(match.groups())) for match in _TEN_DIGITS.finditer(folded)):
        found.append(NATIONAL_ID)
    if _EMAIL.search(folded):
        found.append(EMAIL)
    if _PLATE.search(folded):
        found.append(PLATE)
    return found


def abusive(text: str, words: frozenset[str] | None = None) -> bool:
    """Whether ``text`` holds a word (or phrase) of the abuse list."""
    listed = abuse_words() if words is None else words
    folded = _fold(text)
    tokens = _WORD.findall(folded)
    spans = set(tokens) | {" ".join(tokens[i : i + 2]) for i in range(len(tokens) - 1)}
    return not spans.isdisjoint(listed)


def intake_flags(text: str) -> list[str] | None:
    """The flags stored with a new finding (None when there is nothing to look at)."""
    found = personal_data(text) + ([ABUSE] if abusive(text) else [])
    return found or None
