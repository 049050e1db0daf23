"""Telegram and Bale: where Bale's Bot API lacks what Meydan uses, the bot adapts instead of failing.

Bale (``MEYDAN_MESSENGER=bale``, chosen by itself when MEYDAN_API_BASE is Bale's) documents a subset
of the Telegram Bot API. What Meydan does about the gaps:

- no ``parse_mode``: texts and captions go out as plain text (tags dropped, entities unescaped), so
  nobody sees ``<b>``; bold and italics are lost, the words are not;
- no ``chat_instance`` in a callback query (aiogram requires one): it is filled in on arrival;
- ``setWebhook`` takes only ``url``: the webhook secret rides in the URL's last path segment instead
  of the ``X-Telegram-Bot-Api-Secret-Token`` header (see ``bot.webhook``);
- the command menu (``setMyCommands``) is optional on every messenger: a refusal is logged, never fatal.
"""

from __future__ import annotations

import html
import json
import logging
import re
from typing import Any

from aiogram import Bot
from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.exceptions import TelegramAPIError
from aiogram.methods import Response, TelegramMethod
from aiogram.methods.base import TelegramType

from bot.app import publish_commands

log = logging.getLogger("meydan.bot")
_TAG = re.compile(r"<[^>]*>")
_FORMATTED = ("text", "caption")


def plain(text: str) -> str:
    """Telegram HTML as plain text: tags dropped, ``&lt;``/``&amp;``/… turned back into characters."""
    return html.unescape(_TAG.sub("", text))


class PlainText(BaseRequestMiddleware):
    """Sends texts and captions without ``parse_mode``, stripped of their HTML."""

    async def __call__(
        self, make_request: NextRequestMiddlewareType[TelegramType], bot: Bot, method: TelegramMethod[TelegramType]
    ) -> Response[TelegramType]:
        fields = type(method).model_fields
        if "parse_mode" in fields:
            changes: dict[str, Any] = {"parse_mode": None}
            for name in _FORMATTED:
                value = getattr(method, name, None) if name in fields else None
                if isinstance(value, str):
                    changes[name] = plain(value)
            method = method.model_copy(update=changes)
        return await make_request(bot, method)


def fill_update(update: dict[str, Any]) -> dict[str, Any]:
    """Add what aiogram requires and Bale leaves out (a callback query's ``chat_instance``)."""
    query = update.get("callback_query")
    if isinstance(query, dict) and "chat_instance" not in query:
        chat = (query.get("message") or {}).get("chat") or query.get("from") or {}
        query["chat_instance"] = str(chat.get("id", ""))
    return update


def bale_loads(content: str | bytes) -> Any:
    """``json.loads`` for Bale's answers and webhook posts: every update in them is filled in."""
    data = json.loads(content)
    if isinstance(data, dict):
        result = data.get("result")
        updates = [data] if "update_id" in data else result if isinstance(result, list) else []
        for update in updates:
            if isinstance(update, dict) and "update_id" in update:
                fill_update(update)
    return data


def adapt(bot: Bot, messenger: str) -> None:
    """Fit ``bot``'s requests and the updates it reads to ``messenger`` (``telegram``: nothing to do)."""
    if messenger == "bale":
        bot.session.json_loads = bale_loads
        bot.session.middleware(PlainText())


async def publish_menu(bot: Bot) -> None:
    """The command menu, where the messenger has one; a refusal is logged and the bot goes on without it."""
    try:
        await publish_commands(bot)
    except TelegramAPIError as exc:
        log.warning("the messenger refused the command menu (%s); running without it", exc)
