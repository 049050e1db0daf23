"""The locale files (the bot's and the reports'): every text exists in Persian and English with the
same placeholders."""

from __future__ import annotations

import string
from collections.abc import Callable

import pytest

from bot import i18n
from bot.i18n import LANGUAGES, localize_number, t
from reports import labels


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("catalog", [i18n.catalog, labels.catalog], ids=["bot", "reports"])
def test_same_keys_and_placeholders_in_every_language(catalog: Callable[[str], dict[str, str]]) -> None:
    fa = catalog("fa")
    for lang in LANGUAGES:
        texts = catalog(lang)
        assert set(texts) == set(fa), f"{lang}: keys differ from Persian"
        for key, text in texts.items():
            assert text.strip(), f"{lang}:{key} is empty"
            assert _fields(text) == _fields(fa[key]), f"{lang}:{key} placeholders differ"


def test_numbers_are_persian_in_persian() -> None:
    assert localize_number(1234, "fa") == "۱٬۲۳۴"
    assert localize_number(1234, "en") == "1,234"
    assert localize_number(-5, "fa", signed=True) == "−۵" and localize_number(5, "en", signed=True) == "+5"
    assert t("surveys.progress", "fa", number=12) == "پرسش ۱۲"
    assert t("surveys.progress", "en", number=12) == "Question 12"
