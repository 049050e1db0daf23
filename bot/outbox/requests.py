"""An outbox row as the aiogram request that sends it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from aiogram.methods import SendDocument, SendMessage, SendPhoto, TelegramMethod
from aiogram.types import FSInputFile, Message

from backend.locales import DEFAULT_LANGUAGE
from backend.models import OutboxMessage
from bot.outbox.more import with_more

REQUESTS: dict[str, type[TelegramMethod[Message]]] = {
    "sendMessage": SendMessage,
    "sendDocument": SendDocument,
    "sendPhoto": SendPhoto,
}


def _file(value: Any) -> Any:
    """``{"path", "filename"}`` becomes an upload of that file; anything else (a file_id) is kept."""
    if not (isinstance(value, dict) and "path" in value):
        return value
    path = Path(value["path"])
    if not path.is_file():
        raise FileNotFoundError(f"outbox file {path} is missing")
    return FSInputFile(path, filename=value.get("filename") or path.name)


def build_request(message: OutboxMessage, lang: str = DEFAULT_LANGUAGE) -> TelegramMethod[Message]:
    """The request for ``message``, a text too long for the messenger shortened with a "more" button
    labelled in ``lang``; ValueError (pydantic's included) or FileNotFoundError if it cannot be."""
    request = REQUESTS.get(message.method)
    if request is None:
        raise ValueError(f"unsupported outbox method {message.method!r}")
    params = {name: _file(value) for name, value in message.payload.items()}
    return request.model_validate({**with_more(message, params, lang), "chat_id": message.chat_id})
