"""Stored files (uploads by the bot and by simulated users) and their Bot API objects."""

from __future__ import annotations

import hashlib
import io
import itertools
import mimetypes
import secrets
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

KINDS = ("document", "photo", "voice")
_ID_PREFIX = {"document": "BQAC", "photo": "AgAC", "voice": "AwAC"}
_DEFAULT_EXT = {"document": "", "photo": ".jpg", "voice": ".oga"}


@dataclass(frozen=True)
class StoredFile:
    """One file known to a bot: bytes plus what Telegram reports about it."""

    kind: str
    file_id: str
    file_unique_id: str
    file_path: str
    data: bytes
    file_name: str | None = None
    mime_type: str | None = None
    width: int = 0
    height: int = 0
    duration: int = 0

    def file_object(self) -> dict[str, Any]:
        """The ``File`` object of getFile."""
        return {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": len(self.data),
            "file_path": self.file_path,
        }

    def message_field(self) -> dict[str, Any]:
        """The message field carrying this file: ``document``, ``photo`` (array of PhotoSize) or ``voice``."""
        base = {"file_id": self.file_id, "file_unique_id": self.file_unique_id}
        if self.kind == "photo":
            return {"photo": [{**base, "width": self.width, "height": self.height, "file_size": len(self.data)}]}
        optional: dict[str, str | int | None] = {"file_name": self.file_name, "mime_type": self.mime_type}
        if self.kind == "voice":
            optional = {"duration": self.duration, "mime_type": self.mime_type}
        details = {key: value for key, value in optional.items() if value is not None}
        return {self.kind: {**base, **details, "file_size": len(self.data)}}


class FileStore:
    """Files by file_id and by download path."""

    def __init__(self) -> None:
        self._by_id: dict[str, StoredFile] = {}
        self._by_path: dict[str, StoredFile] = {}
        self._counter = itertools.count(1)

    def add(
        self,
        kind: str,
        data: bytes,
        *,
        file_name: str | None = None,
        mime_type: str | None = None,
        duration: int = 0,
        size: tuple[int, int] = (0, 0),
    ) -> StoredFile:
        """Store ``data`` under a fresh file_id (``size`` is a photo's width and height)."""
        stored = StoredFile(
            kind=kind,
            file_id=f"{_ID_PREFIX[kind]}{secrets.token_urlsafe(24)}",
            file_unique_id=f"AgAD{hashlib.sha256(data).hexdigest()[:12]}",
            file_path=f"{kind}s/file_{next(self._counter)}{_extension(kind, file_name, mime_type)}",
            data=data,
            file_name=file_name if kind == "document" else None,
            mime_type=mime_type if kind != "photo" else None,
            width=size[0],
            height=size[1],
            duration=duration,
        )
        self._by_id[stored.file_id] = stored
        self._by_path[stored.file_path] = stored
        return stored

    def get(self, file_id: str) -> StoredFile | None:
        """The file with this file_id, or None."""
        return self._by_id.get(file_id)

    def at_path(self, file_path: str) -> StoredFile | None:
        """The file served at ``/file/bot<token>/<file_path>``, or None."""
        return self._by_path.get(file_path)


def image_size(data: bytes) -> tuple[int, int] | None:
    """(width, height) of an image, or None when the bytes are not an image Pillow understands."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as image:
            return image.size
    except (UnidentifiedImageError, OSError, ValueError):
        return None


def _extension(kind: str, file_name: str | None, mime_type: str | None) -> str:
    suffix = PurePosixPath(file_name).suffix if file_name else ""
    if not suffix and mime_type and kind == "document":
        suffix = mimetypes.guess_extension(mime_type) or ""
    return suffix or _DEFAULT_EXT[kind]
