"""normalize_persian on hostile text: idempotent, and it never loses a character it should keep
(letters, digits, marks other than Arabic diacritics, punctuation, symbols, direction marks,
the ZWNJ inside a word), whatever markup, SQL or formula it is mixed with."""

from __future__ import annotations

import unicodedata
from collections import Counter

from hypothesis import given
from hypothesis import strategies as st

from backend.text import normalize_persian, to_latin_digits
from tests.hardening.helpers import EVAL_ATTACK, FORMULA_ATTACK, HTML_ATTACK, SQL_ATTACK

PERSIAN_LETTERS = "ابپتثجچحخدذرزژسشصضطظعغفقکگلمنوهیآئ"
DROPPED = {"\u0640", "\u0670", *map(chr, range(0x064B, 0x0660))}  # tatweel and Arabic diacritics, by design
ZERO_WIDTH = {"\u200b", "\u200c", "\u200d", "\ufeff", "\u2060"}  # dropped, or (ZWNJ) kept only inside words
HOSTILE = (
    PERSIAN_LETTERS
    + "يكى"
    + "۰۱۲۳٤٥٦0123٫٬"
    + "<>&'\";=+-@/\\(){}$%*#_|`~"
    + "".join(DROPPED)
    + "".join(ZERO_WIDTH)
    + "\u200e\u200f\u061c\u2066\u2067\u2068\u2069\u202b\u202c"
    + " \t\n\r\u00a0"
    + "\u0301\u0653\u0654"
    + "😀👩\u200d💻🏳️"
    + "aZé"
)
texts = st.one_of(
    st.text(alphabet=HOSTILE),
    st.text(),
    st.lists(st.sampled_from([HTML_ATTACK, SQL_ATTACK, EVAL_ATTACK, FORMULA_ATTACK, "سلام"])).map(" ".join),
)


def kept(text: str) -> Counter[str]:
    """What must survive, decomposed and folded the way the normalizer maps it (digit forms,
    Arabic yeh and kaf): every character but spaces, zero-width ones and Arabic diacritics."""
    folded = to_latin_digits(unicodedata.normalize("NFD", text)).translate(str.maketrans("يىك", "ییک"))
    return Counter(
        c
        for c in folded
        if not c.isspace() and c not in DROPPED | ZERO_WIDTH and unicodedata.category(c) not in ("Zl", "Zp")
    )


@given(texts)
def test_idempotent(text: str) -> None:
    once = normalize_persian(text)
    assert normalize_persian(once) == once


@given(texts)
def test_keeps_every_character_it_should(text: str) -> None:
    assert kept(normalize_persian(text)) == kept(text)


@given(
    st.lists(st.text(alphabet=PERSIAN_LETTERS, min_size=1), min_size=2, max_size=4),
    st.sampled_from(["", " ", "\u200b", HTML_ATTACK + " "]),
)
def test_keeps_the_zwnj_inside_a_word(parts: list[str], before: str) -> None:
    word = "\u200c".join(parts)
    assert normalize_persian(before + word).endswith(unicodedata.normalize("NFC", word))
