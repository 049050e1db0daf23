"""Deep links into the bot: surveys (``s_``), role invites (``i_``) and NGO forums (``f_``)."""

from __future__ import annotations

from backend.config import BALE_API_BASE

SURVEY_PREFIX = "s_"
INVITE_PREFIX = "i_"
FORUM_PREFIX = "f_"


def deep_link(api_base: str, username: str | None, payload: str) -> str:
    """``https://t.me/<bot>?start=<payload>`` (ble.ir on Bale); without a username, the /start command."""
    if not username:
        return f"/start {payload}"
    host = "ble.ir" if api_base == BALE_API_BASE else "t.me"
    return f"https://{host}/{username}?start={payload}"
