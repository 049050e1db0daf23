"""Validation of ``reply_markup`` like Telegram: inline keyboards, reply keyboards, remove, force reply."""

from __future__ import annotations

import re
from typing import Any

from sandbox.emulator.errors import ApiError, bad_request
from sandbox.emulator.limits import Limits
from sandbox.emulator.spec import type_fields

INLINE_ACTIONS = (
    "callback_data", "url", "web_app", "login_url", "switch_inline_query", "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat", "copy_text", "callback_game", "pay",
)  # fmt: skip
_URL_RE = re.compile(r"^(https?|tg)://\S+$", re.IGNORECASE)


def check_reply_markup(markup: Any, limits: Limits, *, inline_only: bool = False) -> dict[str, Any] | None:
    """The validated markup (None when absent); raises Telegram's error for a malformed one."""
    if markup is None:
        return None
    if not isinstance(markup, dict):
        raise bad_request("can't parse reply keyboard markup JSON object")
    if "inline_keyboard" in markup:
        return {**markup, "inline_keyboard": _inline_keyboard(markup["inline_keyboard"], limits)}
    if inline_only:
        raise bad_request("inline keyboard expected")
    if "keyboard" in markup:
        return {**markup, "keyboard": _reply_keyboard(markup["keyboard"])}
    if markup.get("remove_keyboard") is True or markup.get("force_reply") is True:
        return markup
    raise bad_request("can't parse reply keyboard markup JSON object")


def inline_buttons(markup: dict[str, Any] | None) -> list[dict[str, Any]]:
    """All buttons of an inline keyboard, row by row (empty for other markups)."""
    rows = (markup or {}).get("inline_keyboard") or []
    return [button for row in rows for button in row]


def _rows(rows: Any, name: str) -> list[list[Any]]:
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise bad_request(f'field "{name}" must be an Array of Arrays of buttons')
    return rows


def _inline_keyboard(rows: Any, limits: Limits) -> list[list[dict[str, Any]]]:
    checked = [[_inline_button(button, limits) for button in row] for row in _rows(rows, "inline_keyboard")]
    if sum(len(row) for row in checked) > limits.inline_keyboard_max_buttons:
        raise bad_request("reply markup is too long")
    return checked


def _inline_button(button: Any, limits: Limits) -> dict[str, Any]:
    if not isinstance(button, dict):
        raise _button_error("InlineKeyboardButton must be an Object")
    text = button.get("text")
    if not isinstance(text, str) or not text.strip():
        raise _button_error('Field "text" must be a non-empty String')
    actions = [name for name in INLINE_ACTIONS if button.get(name) is not None]
    if not actions:
        raise _button_error("Text buttons are unallowed in the inline keyboard")
    if len(actions) > 1:
        raise _button_error(f"exactly one of {', '.join(actions)} must be used")
    data = button.get("callback_data")
    if data is not None and not (
        isinstance(data, str) and 1 <= len(data.encode("utf-8")) <= limits.callback_data_max_bytes
    ):
        raise bad_request("BUTTON_DATA_INVALID")
    url = button.get("url")
    if url is not None and not (isinstance(url, str) and _URL_RE.match(url)):
        raise bad_request(f"inline keyboard button URL {url!r} is invalid: Wrong HTTP URL")
    return {name: value for name, value in button.items() if value is not None}


def _reply_keyboard(rows: Any) -> list[list[dict[str, Any]]]:
    checked = []
    for row in _rows(rows, "keyboard"):
        buttons = [{"text": button} if isinstance(button, str) else button for button in row]
        if not all(isinstance(b, dict) and isinstance(b.get("text"), str) and b["text"] for b in buttons):
            raise bad_request('can\'t parse keyboard button: Field "text" must be a non-empty String')
        for button in buttons:
            _check_keyboard_button(button)
        checked.append(buttons)
    return checked


def _check_keyboard_button(button: dict[str, Any]) -> None:
    """A KeyboardButton has only the spec's fields, and its Boolean ones (request_location...) are booleans."""
    fields = type_fields("KeyboardButton")
    for name, value in button.items():
        if name not in fields:
            raise bad_request(f'can\'t parse keyboard button: unknown field "{name}"')
        if fields[name].types == ("Boolean",) and not isinstance(value, bool):
            raise bad_request(f'can\'t parse keyboard button: Field "{name}" must be a Boolean')


def location_button(markup: dict[str, Any] | None, text: str) -> bool:
    """Whether a reply keyboard has a button ``text`` that shares the user's location."""
    rows = (markup or {}).get("keyboard") or []
    return any(b.get("text") == text and b.get("request_location") is True for row in rows for b in row)


def _button_error(detail: str) -> ApiError:
    return bad_request(f"can't parse inline keyboard button: {detail}")
