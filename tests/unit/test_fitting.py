"""Fitting Telegram HTML to the messenger's limits: parts that fit as the emulator (and Telegram)
counts, cut between words, valid HTML whose entities survive the cut, nothing lost."""

from __future__ import annotations

from html import escape

from hypothesis import given, settings
from hypothesis import strategies as st

from backend.models import OutboxMessage
from bot.fitting import TAIL, fit, pieces, rest, visible_length
from bot.outbox.more import the_rest
from sandbox.emulator.formatting import format_text, utf16_len

WORD = st.text(alphabet=st.sampled_from(list("ابپتثجکگ😀x&<>\"'")), min_size=1, max_size=12)


def _html(words: list[str], bold: bool) -> str:
    text = " ".join(escape(w) for w in words)
    return f'<b>سلام</b> <a href="https://example.org/?a=1&amp;b=2">{text}</a>' if bold else text


@settings(max_examples=60, deadline=None)
@given(st.lists(WORD, min_size=1, max_size=300), st.booleans(), st.integers(min_value=20, max_value=400))
def test_parts_fit_parse_and_keep_every_word(words: list[str], bold: bool, limit: int) -> None:
    text = _html(words, bold)
    whole, _ = format_text(text, "HTML")
    parts = pieces(text, limit)
    shown = [format_text(part, "HTML") for part in parts]
    assert all(utf16_len(plain) <= limit for plain, _ in shown)
    assert visible_length(text) == utf16_len(whole)
    if all(utf16_len(w) <= limit // 2 for w in words):  # only a word longer than half a part is cut inside
        assert " ".join(plain for plain, _ in shown).split() == whole.split()
    else:
        assert "".join(plain for plain, _ in shown).replace(" ", "") == whole.replace(" ", "")
    if bold:
        links = [e for _, es in shown for e in es if e["type"] == "text_link"]
        assert all(e["url"] == "https://example.org/?a=1&b=2" for e in links)


def test_a_long_item_is_cut_between_words_with_its_bold_closed_and_reopened() -> None:
    text = "<b>" + "کلمه " * 1000 + "</b>\nمحور: حمل‌ونقل"
    short = fit(text, 4096)
    plain, entities = format_text(short, "HTML")
    assert plain.endswith("کلمه" + TAIL) and utf16_len(plain) <= 4096 and entities[0]["type"] == "bold"
    [tail] = rest(text, 4096)
    plain, entities = format_text(tail, "HTML")
    assert plain.startswith("کلمه") and plain.endswith("محور: حمل‌ونقل") and entities[0]["type"] == "bold"


def test_what_fits_is_left_as_it_is() -> None:
    text = "<i>" + "😀" * 2048 + "</i>"  # 4,096 UTF-16 units exactly
    assert fit(text, 4096) is text and rest(text, 4096) == []
    assert visible_length(text + "x") == 4097


def test_the_rest_of_a_long_caption_comes_in_messages_as_long_as_a_text_allows() -> None:
    caption = "<b>" + "کلمه " * 2000 + "</b>"
    message = OutboxMessage(id=1, chat_id=1, method="sendDocument", payload={"caption": caption})
    parts = [format_text(part, "HTML") for part in the_rest(message)]
    assert [utf16_len(plain) > 4000 for plain, _ in parts] == [True, True, False]
    shown = format_text(fit(caption, 1024), "HTML")[0].removesuffix(TAIL)
    assert " ".join([shown, *(plain for plain, _ in parts)]).split() == ["کلمه"] * 2000
    assert all(entities[0]["type"] == "bold" for _, entities in parts)
