"""Entity parsing and markup checks, unit by unit (offsets are UTF-16 code units, as in the Bot API)."""

from __future__ import annotations

import pytest

from sandbox.emulator.errors import ApiError
from sandbox.emulator.formatting import format_text, user_text_entities, utf16_len
from sandbox.emulator.limits import Limits
from sandbox.emulator.markup import check_reply_markup


def test_html_entities_offsets_and_trimming() -> None:
    text, entities = format_text(' 😀 <b>سلام</b> <a href="https://x.ir">لینک</a> &lt;&#47;&gt; ', "HTML")
    assert text == "😀 سلام لینک </>"
    assert entities == [
        {"type": "bold", "offset": 3, "length": 4},
        {"type": "text_link", "offset": 8, "length": 4, "url": "https://x.ir"},
    ]
    assert utf16_len("😀") == 2


def test_html_pre_with_language_and_nesting() -> None:
    text, entities = format_text('<pre><code class="language-python">x = 1</code></pre><i><u>iu</u></i>', "HTML")
    assert text == "x = 1iu"
    assert entities == [
        {"type": "pre", "offset": 0, "length": 5, "language": "python"},
        {"type": "italic", "offset": 5, "length": 2},
        {"type": "underline", "offset": 5, "length": 2},
    ]


@pytest.mark.parametrize(
    ("source", "error"),
    [
        ("<b>open", 'Can\'t find end tag corresponding to start tag "b"'),
        ("<b>x</i>", 'Unmatched end tag at byte offset 4, expected "</b>", found "</i>"'),
        ("<div>x</div>", 'Unsupported start tag "div" at byte offset 0'),
        ("x < y", "Unclosed start tag at byte offset 2"),
    ],
)
def test_bad_html_is_refused(source: str, error: str) -> None:
    with pytest.raises(ApiError) as caught:
        format_text(source, "HTML")
    assert caught.value.description == f"Bad Request: can't parse entities: {error}"


def test_markdown_v2_and_its_reserved_characters() -> None:
    text, entities = format_text(r"*bold* _it_ ||sp|| [link](https://a.b) 1\.5", "MarkdownV2")
    assert text == "bold it sp link 1.5"
    assert [e["type"] for e in entities] == ["bold", "italic", "spoiler", "text_link"]
    with pytest.raises(ApiError, match="Character '.' is reserved"):
        format_text("1.5", "MarkdownV2")
    assert format_text("1.5 *b*", "Markdown") == ("1.5 b", [{"type": "bold", "offset": 4, "length": 1}])


def test_explicit_entities_win_over_parse_mode() -> None:
    entities = [{"type": "italic", "offset": 0, "length": 3}]
    assert format_text("<b>", "HTML", entities) == ("<b>", entities)
    with pytest.raises(ApiError, match="can't parse entities"):
        format_text("x", None, [{"type": "bold"}])


def test_user_text_entities() -> None:
    assert user_text_entities("/start@meydan_test_bot payload #مشهد") == [
        {"type": "bot_command", "offset": 0, "length": 22},
        {"type": "hashtag", "offset": 31, "length": 5},
    ]
    assert user_text_entities("path a/b is not a command") == []


def test_markup_checks() -> None:
    limits = Limits()
    assert check_reply_markup(None, limits) is None
    assert check_reply_markup({"remove_keyboard": True}, limits) == {"remove_keyboard": True}
    too_many = {"inline_keyboard": [[{"text": str(i), "callback_data": str(i)}] for i in range(101)]}
    with pytest.raises(ApiError, match="reply markup is too long"):
        check_reply_markup(too_many, limits)
    with pytest.raises(ApiError, match="inline keyboard expected"):
        check_reply_markup({"keyboard": [["a"]]}, limits, inline_only=True)
    with pytest.raises(ApiError, match="can't parse reply keyboard markup"):
        check_reply_markup(["not", "an", "object"], limits)
