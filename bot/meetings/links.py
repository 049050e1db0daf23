"""Deep links into the bot: role invites (``i_``) and NGO forums (``f_``)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from backend.config import BALE_API_BASE
from backend.forums.service import forum_key

if TYPE_CHECKING:  # aiogram takes seconds to import; the CLI only needs deep_link
    from aiogram import Bot

INVITE_PREFIX = "i_"
FORUM_PREFIX = "f_"
DEEP_LINK = re.compile(r"^(i|f)_")
_FORUM_PAYLOAD = re.compile(r"^f_(\d{1,18})_([A-Za-z0-9_-]{16})$")


def deep_link(api_base: str, username: str | None, payload: str) -> str:
    """``https://t.me/<bot>?start=<payload>`` (ble.ir on Bale); without a username, the /start command."""
    if not username:
        return f"/start {payload}"
    host = "ble.ir" if api_base == BALE_API_BASE else "t.me"
    return f"https://{host}/{username}?start={payload}"


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
