"""Message text formatting like Telegram: HTML / MarkdownV2 / Markdown parsing to entities, trimming.

Offsets and lengths of entities are in UTF-16 code units, as in the Bot API.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from sandbox.emulator.errors import ApiError, bad_request

Entity = dict[str, Any]

_HTML_TAGS = {
    "b": "bold", "strong": "bold", "i": "italic", "em": "italic", "u": "underline", "ins": "underline",
    "s": "strikethrough", "strike": "strikethrough", "del": "strikethrough", "tg-spoiler": "spoiler",
    "span": "spoiler", "a": "text_link", "code": "code", "pre": "pre", "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}  # fmt: skip
_ATTR = r"([A-Za-z-]+)(?:\s*=\s*(\"[^\"]*\"|'[^']*'|[^\s>\"']+))?"
_ATTR_RE = re.compile(_ATTR)
_TAG_RE = re.compile(rf"<(/?)([A-Za-z][A-Za-z0-9-]*)((?:\s+{_ATTR})*)\s*/?>")
_CHAR_REF_RE = re.compile(r"&(?:#(\d{1,7})|#[xX]([0-9a-fA-F]{1,6})|(lt|gt|amp|quot));")
_NAMED_REFS = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_MD_V2_RESERVED = frozenset("_*[]()~`>#+-=|{}.!")
_USER_TEXT_ENTITIES = (
    ("bot_command", re.compile(r"(?<![\w/])/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?(?![\w/])")),
    ("url", re.compile(r"\bhttps?://[^\s<>\"]+")),
    ("mention", re.compile(r"(?<!\w)@[A-Za-z][A-Za-z0-9_]{3,31}\b")),
    ("hashtag", re.compile(r"(?<!\w)#\w+")),
)


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units, the unit of entity offsets."""
    return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)


def format_text(text: str, parse_mode: str | None, entities: Any = None) -> tuple[str, list[Entity]]:
    """Plain text and entities of a message text or caption, trimmed like Telegram.

    Explicit ``entities`` win over ``parse_mode``; unparseable markup raises ``can't parse entities``.
    """
    if entities:
        plain, found = text, _checked_entities(entities)
    elif parse_mode:
        plain, found = _parse(text, parse_mode)
    else:
        plain, found = text, []
    return _trim(plain, found)


def user_text_entities(text: str) -> list[Entity]:
    """Entities Telegram's clients detect in what a user types: /commands, URLs, @mentions, #hashtags."""
    found = [
        {"type": kind, "offset": utf16_len(text[: m.start()]), "length": utf16_len(m.group())}
        for kind, pattern in _USER_TEXT_ENTITIES
        for m in pattern.finditer(text)
    ]
    return sorted(found, key=lambda e: e["offset"])


@lru_cache(maxsize=4096)
def _parse(text: str, parse_mode: str) -> tuple[str, list[Entity]]:
    """Plain text and entities of marked-up ``text``; cached, as bots send the same questions again and again
    (``_trim`` copies the entities it returns, so the cached ones are never handed out)."""
    mode = parse_mode.lower()
    if mode == "html":
        return _HtmlParser(text).run()
    if mode in ("markdownv2", "markdown"):
        return _MarkdownParser(text, v2=mode == "markdownv2").run()
    raise bad_request(f"unsupported parse_mode {parse_mode!r}")


def _checked_entities(entities: Any) -> list[Entity]:
    valid = isinstance(entities, list) and all(
        isinstance(e, dict)
        and isinstance(e.get("type"), str)
        and isinstance(e.get("offset"), int)
        and isinstance(e.get("length"), int)
        for e in entities
    )
    if not valid:
        raise bad_request("can't parse entities JSON object")
    return [dict(e) for e in entities]


def _trim(text: str, entities: list[Entity]) -> tuple[str, list[Entity]]:
    stripped = text.strip()
    shift = utf16_len(text[: len(text) - len(text.lstrip())])
    size = utf16_len(stripped)
    result = []
    for entity in entities:
        start = max(entity["offset"] - shift, 0)
        end = min(entity["offset"] + entity["length"] - shift, size)
        if end > start:
            result.append({**entity, "offset": start, "length": end - start})
    result.sort(key=lambda e: (e["offset"], -e["length"]))
    return stripped, result


def _parse_error(detail: str) -> ApiError:
    return bad_request(f"can't parse entities: {detail}")


@dataclass
class _Open:
    """An entity whose end has not been seen yet."""

    kind: str
    start: int
    byte_offset: int
    token: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


class _Builder:
    """Accumulates plain text and closed entities while a parser walks the source."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.chunks: list[str] = []
        self.length = 0
        self.closed: list[tuple[int, Entity]] = []

    def emit(self, text: str) -> None:
        self.chunks.append(text)
        self.length += utf16_len(text)

    def close(self, entity: _Open) -> None:
        if self.length > entity.start:
            found = {"type": entity.kind, "offset": entity.start, "length": self.length - entity.start, **entity.extra}
            self.closed.append((entity.byte_offset, found))

    def byte_offset(self, index: int) -> int:
        return len(self.source[:index].encode("utf-8"))

    def result(self) -> tuple[str, list[Entity]]:
        """The plain text and the entities in the order they were opened."""
        return "".join(self.chunks), [entity for _, entity in sorted(self.closed, key=lambda pair: pair[0])]


_HtmlOpen = tuple[str, _Open | None]  # tag name, entity (None for tags that make none)


class _HtmlParser(_Builder):
    def run(self) -> tuple[str, list[Entity]]:
        src, i = self.source, 0
        stack: list[_HtmlOpen] = []
        while i < len(src):
            ch = src[i]
            if ch == "&" and (ref := _CHAR_REF_RE.match(src, i)):
                self.emit(_decode_char_ref(ref))
                i = ref.end()
            elif ch == "<":
                i = self._tag(i, stack)
            else:
                self.emit(ch)
                i += 1
        if stack:
            raise _parse_error(f'Can\'t find end tag corresponding to start tag "{stack[-1][0]}"')
        return self.result()

    def _tag(self, i: int, stack: list[_HtmlOpen]) -> int:
        match = _TAG_RE.match(self.source, i)
        offset = self.byte_offset(i)
        if match is None:
            if ">" not in self.source[i:]:
                raise _parse_error(f"Unclosed start tag at byte offset {offset}")
            tag = re.match(r"</?([^\s>]*)", self.source[i:])
            raise _parse_error(f'Unsupported start tag "{tag.group(1) if tag else ""}" at byte offset {offset}')
        closing, name, attrs = match.group(1) == "/", match.group(2).lower(), _attributes(match.group(3))
        if closing:
            if not stack:
                raise _parse_error(f"Unexpected end tag at byte offset {offset}")
            open_name, entity = stack.pop()
            if open_name != name:
                raise _parse_error(
                    f'Unmatched end tag at byte offset {offset}, expected "</{open_name}>", found "</{name}>"'
                )
            if entity is not None:
                self.close(entity)
        elif name not in _HTML_TAGS:
            raise _parse_error(f'Unsupported start tag "{name}" at byte offset {offset}')
        else:
            stack.append((name, self._open(name, attrs, offset, stack)))
        return match.end()

    def _open(self, name: str, attrs: dict[str, str], offset: int, stack: list[_HtmlOpen]) -> _Open | None:
        kind = _HTML_TAGS[name]
        extra: dict[str, Any] = {}
        if name == "span" and attrs.get("class") != "tg-spoiler":
            raise _parse_error('Tag "span" must have class "tg-spoiler"')
        if name == "a":
            if not attrs.get("href"):
                return None
            extra["url"] = attrs["href"]
        if name == "tg-emoji":
            extra["custom_emoji_id"] = attrs.get("emoji-id", "")
        if name == "blockquote" and "expandable" in attrs:
            kind = "expandable_blockquote"
        language = attrs.get("class", "")
        if name == "code" and stack and stack[-1][0] == "pre" and language.startswith("language-"):
            pre = stack[-1][1]
            if pre is not None:
                pre.extra["language"] = language.removeprefix("language-")
            return None
        return _Open(kind, self.length, offset, extra=extra)


def _attributes(raw: str) -> dict[str, str]:
    return {
        m.group(1).lower(): _CHAR_REF_RE.sub(_decode_char_ref, (m.group(2) or "").strip("\"'"))
        for m in _ATTR_RE.finditer(raw)
    }


def _decode_char_ref(match: re.Match[str]) -> str:
    decimal, hexadecimal, named = match.groups()
    if named:
        return _NAMED_REFS[named]
    code = int(decimal) if decimal else int(hexadecimal, 16)
    return chr(code) if 0 < code <= 0x10FFFF else "\ufffd"


_MD_TOKENS = (  # longest first; (token, entity kind, allowed in legacy Markdown)
    ("```", "pre", True), ("||", "spoiler", False), ("__", "underline", False), ("`", "code", True),
    ("*", "bold", True), ("_", "italic", True), ("~", "strikethrough", False), ("[", "text_link", True),
)  # fmt: skip
_MD_NAMES = {kind: kind.replace("_", " ").title().replace(" ", "") for _, kind, _ in _MD_TOKENS}


class _MarkdownParser(_Builder):
    def __init__(self, source: str, *, v2: bool) -> None:
        super().__init__(source)
        self.v2 = v2
        self.stack: list[_Open] = []
        self.quote: _Open | None = None

    def run(self) -> tuple[str, list[Entity]]:
        src, i = self.source, 0
        while i < len(src):
            i = self._step(i)
        if self.stack:
            entity = self.stack[-1]
            raise _parse_error(f"Can't find end of {_MD_NAMES[entity.kind]} entity at byte offset {entity.byte_offset}")
        if self.quote is not None:
            self.close(self.quote)
        return self.result()

    def _step(self, i: int) -> int:
        src, ch = self.source, self.source[i]
        top = self.stack[-1] if self.stack else None
        if ch == "\\" and i + 1 < len(src) and 0 < ord(src[i + 1]) <= 126:
            self.emit(src[i + 1])
            return i + 2
        if top is not None and top.kind in ("code", "pre"):
            if src.startswith(top.token, i):
                return self._close_code(top, i)
            self.emit(ch)
            return i + 1
        if top is not None and top.kind == "text_link" and ch == "]":
            return self._close_link(top, i)
        if top is not None and top.kind != "text_link" and src.startswith(top.token, i):
            self.close(self.stack.pop())
            return i + len(top.token)
        if self.v2 and ch == ">" and (i == 0 or src[i - 1] == "\n"):
            if self.quote is None:
                self.quote = _Open("blockquote", self.length, self.byte_offset(i))
            return i + 1
        for token, kind, legacy in _MD_TOKENS:
            if src.startswith(token, i) and (self.v2 or (legacy and top is None)):
                self.stack.append(_Open(kind, self.length, self.byte_offset(i), token="]" if token == "[" else token))
                return self._skip_pre_language(i + len(token)) if kind == "pre" else i + len(token)
        if self.v2 and ch in _MD_V2_RESERVED:
            raise _parse_error(f"Character '{ch}' is reserved and must be escaped with the preceding '\\'")
        if ch == "\n" and self.quote is not None and not src.startswith(">", i + 1):
            self.close(self.quote)
            self.quote = None
        self.emit(ch)
        return i + 1

    def _skip_pre_language(self, i: int) -> int:
        newline = self.source.find("\n", i)
        language = self.source[i:newline] if newline >= 0 else ""
        if newline < 0 or not re.fullmatch(r"[\w+#.-]*", language):
            return i
        if language:
            self.stack[-1].extra["language"] = language
        return newline + 1

    def _close_code(self, entity: _Open, i: int) -> int:
        self.close(self.stack.pop())
        return i + len(entity.token)

    def _close_link(self, entity: _Open, i: int) -> int:
        self.stack.pop()
        src = self.source
        if not src.startswith("(", i + 1):
            return i + 1
        url, j = [], i + 2
        while j < len(src) and src[j] != ")":
            if src[j] == "\\" and j + 1 < len(src):
                j += 1
            url.append(src[j])
            j += 1
        if j >= len(src):
            raise _parse_error(f"Can't find end of a URL at byte offset {self.byte_offset(i + 1)}")
        entity.extra["url"] = "".join(url)
        self.close(entity)
        return j + 1
