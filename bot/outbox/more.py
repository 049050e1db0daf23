"""A push longer than the messenger takes goes out shortened with a "more" button; pressing it
sends the rest from the outbox row, which keeps the whole text."""

from __future__ import annotations

from typing import Any

from aiogram.filters.callback_data import CallbackData

from backend.models import OutboxMessage
from bot.fitting import LIMITS, TEXT_MAX, fit, pieces, rest, visible_length
from bot.i18n import t


class MoreButton(CallbackData, prefix="more"):
    """``o``: the outbox message whose rest to send."""

    o: int


def _long_field(payload: dict[str, Any]) -> tuple[str, int] | None:
    """The text or caption of ``payload`` that does not fit, with its limit."""
    for name, limit in LIMITS.items():
        value = payload.get(name)
        if isinstance(value, str) and visible_length(value) > limit:
            return name, limit
    return None


def needs_more(payload: dict[str, Any]) -> bool:
    """Whether the payload's text or caption must be shortened."""
    return _long_field(payload) is not None


def with_more(message: OutboxMessage, params: dict[str, Any], lang: str) -> dict[str, Any]:
    """``params`` with the long text shortened and a "more" button below any buttons it has."""
    found = _long_field(message.payload)
    if found is None:
        return params
    name, limit = found
    shortened = {**params, name: fit(params[name], limit)}
    markup = dict(params.get("reply_markup") or {"inline_keyboard": []})
    if "inline_keyboard" not in markup:  # a reply keyboard cannot carry the button: shortened only
        return shortened
    button = {"text": t("outbox.more", lang), "callback_data": MoreButton(o=message.id).pack()}
    markup["inline_keyboard"] = [*markup.get("inline_keyboard", []), [button]]
    return {**shortened, "reply_markup": markup}


def the_rest(message: OutboxMessage) -> list[str]:
    """What the shortened message left out, in parts that each fit a message (a caption's rest is
    cut again to the longer limit of a text)."""
    found = _long_field(message.payload)
    left_out = rest(message.payload[found[0]], found[1]) if found else []
    return pieces(" ".join(left_out), TEXT_MAX) if left_out else []
