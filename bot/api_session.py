"""The HTTP session the bot talks to the Bot API with: aiogram's, made cheaper per call."""

from __future__ import annotations

import json
from functools import partial
from typing import Any, ClassVar

from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.methods import Response, TelegramMethod
from aiogram.methods.base import TelegramType
from aiogram.types import InputFile
from aiohttp import FormData
from aiohttp.payload import JsonPayload

_dumps = partial(json.dumps, ensure_ascii=False)


class BotApiSession(AiohttpSession):
    """aiohttp to the Bot API, sending JSON bodies and keeping each ``Response[T]`` model alive.

    Three costs aiogram pays on every call, together about a third of the bot's CPU per update:

    - its form bodies are URL-encoded byte by byte in Python (a Persian question with its
      keyboard is a kilobyte); the Bot API (Telegram and Bale alike) also takes JSON, encoded in C.
      Uploads still go as aiogram's multipart form;
    - it parses every reply with ``Response[method.__returning__]``, a parametrized model that
      pydantic caches only by weak reference, so once garbage-collected it was rebuilt (schema and
      validator) on the next call. One strong reference per result type keeps it cached;
    - a message it sent comes back whole, and validating the keyboard and entities it just sent
      took two thirds of parsing the reply. Meydan never reads them back, so they are dropped
      first (``_without_echo``): a message returned by ``send_message`` and the like has no
      ``reply_markup`` or ``entities``. Incoming updates are untouched.
    """

    _responses: ClassVar[dict[Any, type[Response[Any]]]] = {}

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(json_loads=_without_echo, **kwargs)

    def build_form_data(self, bot: Bot, method: TelegramMethod[TelegramType]) -> FormData:
        """The request body: the method's parameters as JSON, or aiogram's multipart form for an upload."""
        files: dict[str, InputFile] = {}
        params = {}
        for name, value in method.model_dump(warnings=False).items():
            prepared = self.prepare_value(value, bot=bot, files=files, _dumps_json=False)
            if prepared is not None and prepared != "":  # what aiogram's form leaves out
                params[name] = prepared
        if files:
            return super().build_form_data(bot, method)
        return JsonPayload(params, dumps=_dumps)  # type: ignore[return-value]  # aiohttp posts any payload

    def check_response(
        self, bot: Bot, method: TelegramMethod[TelegramType], status_code: int, content: str
    ) -> Response[TelegramType]:
        """aiogram's check, after making sure the parsed response model stays cached."""
        returning = method.__returning__
        if returning not in self._responses:
            self._responses[returning] = Response[returning]  # type: ignore[valid-type]
        return super().check_response(bot, method, status_code, content)


ECHOED = ("reply_markup", "entities")  # what a sent message echoes back and Meydan never reads


def _without_echo(content: str) -> Any:
    """A Bot API reply's JSON; a message in its ``result`` loses the ``ECHOED`` fields."""
    reply = json.loads(content)
    result = reply.get("result") if isinstance(reply, dict) else None
    if isinstance(result, dict) and "message_id" in result:
        for name in ECHOED:
            result.pop(name, None)
    return reply
