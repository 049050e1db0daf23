"""Texts fitted to the messenger's limits, counted as it counts them: the visible text left after
its HTML parse mode, in UTF-16 code units, 4,096 for a message text and 1,024 for a caption.

``pieces`` cuts a Telegram-HTML text at word boundaries into parts that each fit, closing the
tags open at a cut and opening them again in the next part, so every part stays valid HTML.
``FitToLimits`` applies it to every request the bot makes: what does not fit is shortened (its
first part and "…"), never refused. Whoever can offer the rest ("more") does so beforehand.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from aiogram import Bot
from aiogram.client.default import Default
from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.methods import Response, TelegramMethod
from aiogram.methods.base import TelegramType

TEXT_MAX = 4096
CAPTION_MAX = 1024
LIMITS = {"text": TEXT_MAX, "caption": CAPTION_MAX}
TAIL = " …"
_TOKEN = re.compile(
    r"<(/?)([A-Za-z][A-Za-z0-9-]*)[^>]*>|&(?:#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|lt|gt|amp|quot);|[^<&]|[<&]"
)
_SPACE = re.compile(r"\s")


def _units(char: str) -> int:
    return 2 if ord(char) > 0xFFFF else 1


@dataclass(frozen=True)
class _Atom:
    """A tag (``tag`` set, no visible width) or one visible character as written in the source."""

    raw: str
    width: int
    tag: str = ""
    closing: bool = False
    space: bool = False


def _atoms(text: str) -> list[_Atom]:
    found = []
    for match in _TOKEN.finditer(text):
        raw = match.group()
        if match.group(2):
            found.append(_Atom(raw, 0, match.group(2).lower(), bool(match.group(1))))
        else:
            char = html.unescape(raw)
            found.append(_Atom(raw, sum(_units(c) for c in char), space=bool(_SPACE.fullmatch(char))))
    return found


def visible_length(text: str) -> int:
    """The length the messenger counts for ``text`` in HTML parse mode (UTF-16 code units)."""
    return sum(atom.width for atom in _atoms(text))


def _close(stack: list[_Atom]) -> str:
    return "".join(f"</{atom.tag}>" for atom in reversed(stack))


def pieces(text: str, limit: int) -> list[str]:
    """``text`` (Telegram HTML) in parts whose visible text fits ``limit`` each, cut after the last
    space that keeps a part at least half full (else inside the word), tags closed and reopened."""
    atoms = _atoms(text)
    if sum(a.width for a in atoms) <= limit:
        return [text]
    parts: list[str] = []
    stack: list[_Atom] = []  # tags open where the current part starts
    start = 0
    while start < len(atoms):
        while start < len(atoms) and atoms[start].space:
            start += 1
        width, end, cut = 0, start, None
        while end < len(atoms) and width + atoms[end].width <= limit:
            width += atoms[end].width
            if atoms[end].space and width > limit // 2:
                cut = end
            end += 1
        if end < len(atoms) and cut is not None:
            end = cut
        while end < len(atoms) and atoms[end].closing:
            end += 1
        opened = list(stack)
        for atom in atoms[start:end]:
            if atom.tag and atom.closing:
                while stack and stack.pop().tag != atom.tag:
                    pass
            elif atom.tag:
                stack.append(atom)
        body = "".join(a.raw for a in atoms[start:end])
        if any(a.width for a in atoms[start:end]):
            parts.append("".join(a.raw for a in opened) + body + _close(stack))
        start = end
    return parts


def fit(text: str, limit: int) -> str:
    """``text`` as it is if it fits ``limit``, else its first part with " …" (still fitting)."""
    if visible_length(text) <= limit:
        return text
    return pieces(text, limit - len(TAIL))[0] + TAIL


def rest(text: str, limit: int) -> list[str]:
    """What ``fit(text, limit)`` left out, in parts that fit ``limit`` each."""
    return pieces(text, limit - len(TAIL))[1:] if visible_length(text) > limit else []


class FitToLimits(BaseRequestMiddleware):
    """Shortens any text or caption of a request that would not fit the messenger's limits."""

    async def __call__(
        self, make_request: NextRequestMiddlewareType[TelegramType], bot: Bot, method: TelegramMethod[TelegramType]
    ) -> Response[TelegramType]:
        fields = type(method).model_fields
        changes = {}
        for name, limit in LIMITS.items():
            value = getattr(method, name, None) if name in fields else None
            if isinstance(value, str):
                fitted = _fitted(value, limit, getattr(method, "parse_mode", None))
                if fitted != value:
                    changes[name] = fitted
        if changes:
            method = method.model_copy(update=changes)
        return await make_request(bot, method)


def _fitted(value: str, limit: int, parse_mode: object) -> str:
    """``value`` fitted in its parse mode (HTML, the bot's default, or plain text)."""
    if parse_mode is None:
        return value if len(value) <= limit // 2 else html.unescape(fit(html.escape(value, quote=False), limit))
    if isinstance(parse_mode, Default) or str(parse_mode).lower() == "html":
        return value if len(value) <= limit // 2 else fit(value, limit)
    return value


async def send_parts(bot: Bot, chat_id: int, parts: list[str]) -> None:
    """Send ``parts`` (each fitting a message) one after another, in order."""
    for part in parts:
        await bot.send_message(chat_id, part)
