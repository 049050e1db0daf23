"""An outbox row as the aiogram request that sends it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from aiogram.methods import SendDocument, SendMessage, SendPhoto, TelegramMethod
from aiogram.types import FSInputFile, Message

from backend.models import OutboxMessage

REQUESTS: dict[str, type[TelegramMethod[Message]]] = {
    "sendMessage": SendMessage, "sendDocument": SendDocument, "sendPhoto": SendPhoto,
}


def _file(value: Any) -> Any:
    """``{"path", "filename"}`` becomes an upload of that file; anything else (a file_id) is kept."""
    if not (isinstance(value, dict) and "path" in value):
        return value
    path = Path(value["path"])
    if not path.is_file():
        raise FileNotFoundError(f"outbox file {path} is missing")
    return FSInputFile(path, filename=value.get("filename") or path.name)


def build_request(message: OutboxMessage) -> TelegramMethod[Message]:
    """The request for ``message``; ValueError (pydantic's included) or FileNotFoundError if it cannot be."""
    request = REQUESTS.get(message.method)
    if request is None:
        raise ValueError(f"unsupported outbox method {message.method!r}")
    params = {name: _file(value) for name, value in message.payload.items()}
    return request.model_validate({**params, "chat_id": message.chat_id})
