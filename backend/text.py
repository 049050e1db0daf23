"""Persian text normalization and digit handling."""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal

_PERSIAN_DIGITS = "۰۱۲۳۴۵۶۷۸۹"
_ARABIC_DIGITS = "٠١٢٣٤٥٦٧٨٩"
_ARABIC_DECIMAL_SEP = "٫"
_ZWNJ = "\u200c"

_LATIN_DIGITS_TABLE = str.maketrans(_PERSIAN_DIGITS + _ARABIC_DIGITS + _ARABIC_DECIMAL_SEP, "0123456789" * 2 + ".")
_PERSIAN_DIGITS_TABLE = str.maketrans("0123456789" + _ARABIC_DIGITS, _PERSIAN_DIGITS * 2)

_REMOVED_CHARS = (
    "\u0640"  # tatweel
    + "".join(map(chr, range(0x064B, 0x0660)))  # harakat, tanwin, shadda, hamza/madda marks
    + "\u0670"  # superscript alef
    + "\u200b\u200d\ufeff\u2060"  # zero-width space, ZWJ, BOM, word joiner
)
_NORMALIZE_TABLE = {
    **_LATIN_DIGITS_TABLE,
    **str.maketrans("يىك", "ییک"),
    **dict.fromkeys(map(ord, _REMOVED_CHARS)),
}

_SPACE_BEFORE_PUNCT = re.compile(r" +(?=[.,!?؟،؛:])")
_ZWNJ_RUN = re.compile(_ZWNJ + "+")

_EDGE_SPACE = re.compile(r"\A[\s\u200e\u200f\u061c]+|[\s\u200e\u200f\u061c]+\Z")  # + bidi marks
_INT_BODY = r"[0-9]+|[0-9]{1,3}(?P<sep>[,٬])[0-9]{3}(?:(?P=sep)[0-9]{3})*"
_INT_RE = re.compile(_INT_BODY)
_THOUSANDS_SEP = re.compile("[,٬]")
_DECIMAL_RE = re.compile(rf"(?P<int>{_INT_BODY})(?:[./](?P<frac>[0-9]+))?")


def to_latin_digits(text: str) -> str:
    """Map Persian and Arabic-Indic digits to ASCII, and `٫` to `.`."""
    return text.translate(_LATIN_DIGITS_TABLE)


def to_persian_digits(text: str | int | float | Decimal) -> str:
    """Render ASCII and Arabic-Indic digits as Persian digits.

    Numbers are stringified first and their decimal point becomes `٫`;
    in strings only the digits change.
    """
    if isinstance(text, str):
        return text.translate(_PERSIAN_DIGITS_TABLE)
    return str(text).replace(".", _ARABIC_DECIMAL_SEP).translate(_PERSIAN_DIGITS_TABLE)


def normalize_persian(text: str) -> str:
    """Return the canonical search/storage form of `text` (idempotent).

    NFC-composes; maps Arabic yeh/kaf to Persian and all digits to ASCII;
    drops tatweel, diacritics and zero-width characters other than ZWNJ;
    collapses ZWNJ runs and removes ZWNJ at word edges; collapses whitespace
    to single spaces within lines and line breaks to a single `\\n`; and
    removes spaces before `.,!?؟،؛:`.
    """
    text = unicodedata.normalize("NFC", text).translate(_NORMALIZE_TABLE)
    lines = []
    for line in text.splitlines():
        words = (_ZWNJ_RUN.sub(_ZWNJ, word).strip(_ZWNJ) for word in line.split())
        line = _SPACE_BEFORE_PUNCT.sub("", " ".join(word for word in words if word))
        if line:
            lines.append(line)
    return unicodedata.normalize("NFC", "\n".join(lines))


def _split_sign(text: str) -> tuple[str, str]:
    """Split a trimmed number into ("-" or "", body with ASCII digits)."""
    text = to_latin_digits(_EDGE_SPACE.sub("", text))
    if text[:1] in ("+", "-", "−"):
        return ("" if text[0] == "+" else "-"), text[1:]
    return "", text


def parse_int(text: str) -> int | None:
    """Parse an integer typed in any digit form, or return None.

    Accepts surrounding whitespace (and bidi marks), a leading `+`, `-` or
    `−`, and `,` or `٬` as thousands separators in groups of three.
    """
    sign, body = _split_sign(text)
    if not _INT_RE.fullmatch(body):
        return None
    try:
        return int(sign + _THOUSANDS_SEP.sub("", body))
    except ValueError:  # beyond Python's int-string conversion limit
        return None


def parse_decimal(text: str) -> Decimal | None:
    """Parse a decimal number typed in any digit form, or return None.

    Like `parse_int`, plus an optional fraction after `.`, `٫` or `/`,
    with digits required on both sides of the separator.
    """
    sign, body = _split_sign(text)
    match = _DECIMAL_RE.fullmatch(body)
    if not match:
        return None
    fraction = "." + match["frac"] if match["frac"] else ""
    return Decimal(sign + _THOUSANDS_SEP.sub("", match["int"]) + fraction)


def is_rtl(text: str) -> bool:
    """True if the first strongly directional character is right-to-left.

    That is Arabic-script (bidi class AL) or Hebrew-like (R); digits,
    punctuation and spaces are skipped.
    """
    for char in text:
        direction = unicodedata.bidirectional(char)
        if direction in ("R", "AL"):
            return True
        if direction == "L":
            return False
    return False
