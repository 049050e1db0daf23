import unicodedata
from collections import Counter
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from backend.text import (
    is_rtl,
    normalize_persian,
    parse_decimal,
    parse_int,
    to_latin_digits,
    to_persian_digits,
)

PERSIAN_DIGITS = "۰۱۲۳۴۵۶۷۸۹"
ARABIC_DIGITS = "٠١٢٣٤٥٦٧٨٩"
REMOVED = "\u0640\u064b\u064e\u0650\u0651\u0652\u0654\u065f\u0670\u200b\u200d\ufeff\u2060"

# Characters the normalizer treats specially, mixed into generated text.
TRICKY = (
    "سلامکیيىكئةۀهآا"
    + PERSIAN_DIGITS
    + ARABIC_DIGITS
    + "0123456789٫٬"
    + REMOVED
    + "\u200c\u0653\u0301e \t\n\r\u00a0\u2028"
    + ".,!?؟،؛:"
)
texts = st.one_of(st.text(), st.text(alphabet=TRICKY))


def letters(text: str) -> Counter[str]:
    """Letters and digits of `text`, decomposed and folded as the normalizer maps them."""
    folded = to_latin_digits(unicodedata.normalize("NFD", text))
    folded = folded.translate(str.maketrans("يىك", "ییک"))
    return Counter(c for c in folded if unicodedata.category(c)[0] in "LN" and c != "\u0640")


def test_to_latin_digits() -> None:
    assert to_latin_digits(f"{PERSIAN_DIGITS} {ARABIC_DIGITS}") == "0123456789 0123456789"
    assert to_latin_digits("۱۲٫۵ و ۱٬۲۳۴") == "12.5 و 1٬234"


def test_to_persian_digits() -> None:
    assert to_persian_digits("Room 12.5, ٣") == "Room ۱۲.۵, ۳"
    assert to_persian_digits(-1200) == "-۱۲۰۰"
    assert to_persian_digits(12.5) == "۱۲٫۵"
    assert to_persian_digits(Decimal("3.75")) == "۳٫۷۵"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("علي موسى", "علی موسی"),
        ("كتاب", "کتاب"),
        ("مسئله ةۀ", "مسئله ةۀ"),
        ("ســـلام", "سلام"),
        ("مُحَمَّدٌ", "محمد"),
        ("خانهٔ ما", "خانه ما"),
        ("۱۲۳ ٤٥٦ ۱۲٫۵", "123 456 12.5"),
        ("a\u200bb\u200dc\ufeffd\u2060e", "abcde"),
        ("می\u200c\u200cروم", "می\u200cروم"),
        ("کتاب\u200c ها \u200c \u200cما", "کتاب ها ما"),
        ("\u200cسلام\u200c", "سلام"),
        ("می روم", "می روم"),
        ("سلام\u00a0\t  دنیا", "سلام دنیا"),
        ("  خط ۱ \r\n\n \n\t خط ۲  \n", "خط 1\nخط 2"),
        ("سلام ، خوبی ؟ بله !", "سلام، خوبی؟ بله!"),
        ("ok . then : yes", "ok. then: yes"),
        ("\u0627\u0653ب", "آب"),  # decomposed alef-madda survives
        ("e\u200b\u0301", "é"),  # composes once the zero-width space is gone
        ("", ""),
        (" \u200c \n ", ""),
    ],
)
def test_normalize_persian(raw: str, expected: str) -> None:
    assert normalize_persian(raw) == expected


@given(texts)
def test_normalize_is_idempotent(text: str) -> None:
    once = normalize_persian(text)
    assert normalize_persian(once) == once


@given(texts)
def test_normalize_keeps_letters_and_digits(text: str) -> None:
    assert letters(normalize_persian(text)) == letters(text)


@given(texts)
def test_normalize_output_shape(text: str) -> None:
    out = normalize_persian(text)
    assert not set(out) & set(REMOVED + "يىك" + PERSIAN_DIGITS + ARABIC_DIGITS + "٫")
    assert out == out.strip()
    assert "  " not in out and "\n\n" not in out
    for line in out.split("\n"):
        assert line == " ".join(line.split())
        for word in line.split():
            assert not word.startswith("\u200c") and not word.endswith("\u200c")
            assert "\u200c\u200c" not in word


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("42", 42),
        ("۴۲", 42),
        ("٤٢", 42),
        (" \u00a0۴۲\n", 42),
        ("\u200f۱۲\u200f", 12),
        ("+7", 7),
        ("-۵", -5),
        ("−3", -3),
        ("007", 7),
        ("1,234", 1234),
        ("۱٬۲۳۴٬۵۶۷", 1234567),
        ("12,34", None),
        ("1,2345", None),
        ("1,234٬567", None),
        (",123", None),
        ("1 234", None),
        ("- 5", None),
        ("1.0", None),
        ("1_000", None),
        ("1e3", None),
        ("0x10", None),
        ("١٢٣abc", None),
        ("", None),
        ("-", None),
        ("9" * 5000, None),
    ],
)
def test_parse_int(raw: str, expected: int | None) -> None:
    assert parse_int(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("12", Decimal("12")),
        ("12.5", Decimal("12.5")),
        ("۱۲٫۵", Decimal("12.5")),
        ("۱۲/۵", Decimal("12.5")),
        ("-0/25", Decimal("-0.25")),
        ("−۱٬۲۳۴٫۵۰", Decimal("-1234.50")),
        ("1,234.5", Decimal("1234.5")),
        ("/5", None),
        ("5/", None),
        (".5", None),
        ("1/2/3", None),
        ("1403/05/12", None),
        ("1.2.3", None),
        ("12,3.5", None),
        ("NaN", None),
        ("Infinity", None),
        ("1e5", None),
        ("", None),
    ],
)
def test_parse_decimal(raw: str, expected: Decimal | None) -> None:
    assert parse_decimal(raw) == expected


def test_parse_decimal_keeps_exponent() -> None:
    assert str(parse_decimal("۱۲")) == "12"
    assert str(parse_decimal("1.50")) == "1.50"


@given(st.integers())
def test_persian_digits_round_trip(n: int) -> None:
    assert to_latin_digits(to_persian_digits(n)) == str(n)


@given(st.integers(min_value=-(10**30), max_value=10**30))
def test_parse_int_all_digit_forms(n: int) -> None:
    latin = str(n)
    arabic = latin.translate(str.maketrans("0123456789", ARABIC_DIGITS))
    for text in (latin, to_persian_digits(latin), arabic, f"{n:,}", f"{n:,}".replace(",", "٬")):
        assert parse_int(text) == n


@given(st.decimals(places=3, min_value=-(10**9), max_value=10**9))
def test_parse_decimal_round_trip(x: Decimal) -> None:
    text = format(x, "f")
    assert parse_decimal(text) == x
    assert parse_decimal(to_persian_digits(text.replace(".", "٫"))) == x


@given(st.text())
def test_parsers_never_raise(text: str) -> None:
    parse_int(text)
    parse_decimal(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("سلام", True),
        ("  ۱۲۳ سلام hello", True),
        ("Hello سلام", False),
        ("123 hello", False),
        ("שלום", True),
        ("۱۲۳ !?", False),
        ("؟", True),  # the Arabic question mark is itself a strong AL character
        ("", False),
    ],
)
def test_is_rtl(text: str, expected: bool) -> None:
    assert is_rtl(text) is expected
