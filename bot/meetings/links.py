"""Deep links into the bot (built in backend.links) and the forum payload."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from backend.forums.service import forum_key
from backend.links import FORUM_PREFIX, INVITE_PREFIX, deep_link

if TYPE_CHECKING:  # aiogram takes seconds to import; the CLI only needs deep_link
    from aiogram import Bot

__all__ = [
    "DEEP_LINK",
    "FORUM_PREFIX",
    "INVITE_PREFIX",
    "bot_link",
    "deep_link",
    "forum_payload",
    "parse_forum_payload",
]
DEEP_LINK = re.compile(r"^(i|f)_")
_FORUM_PAYLOAD = re.compile(r"^f_(\d{1,18})_([A-Za-z0-9_-]{16})$")


async def bot_link(bot: Bot, api_base: str, payload: str) -> str:
    """A deep link to this bot (its username from getMe, cached by aiogram)."""
    return deep_link(api_base, (await bot.me()).username, payload)


def forum_payload(secret: bytes, meeting_id: int) -> str:
    """The start payload that joins forum ``meeting_id``."""
    return f"{FORUM_PREFIX}{meeting_id}_{forum_key(secret, meeting_id)}"


def parse_forum_payload(payload: str) -> tuple[int, str] | None:
    """(forum id, key) of a forum payload, or None if it is malformed."""
    match = _FORUM_PAYLOAD.fullmatch(payload)
    return (int(match[1]), match[2]) if match else None
