"""What a message logs as a meeting note: its kind, text (or caption) and file details."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from aiogram.types import Message

PHOTO_MIME = "image/jpeg"  # the messenger re-encodes photos as JPEG


@dataclass(frozen=True)
class NoteContent:
    """A note's kind (text, voice, photo, document), its text and the file columns to keep."""

    kind: str
    text: str | None
    file: dict[str, Any] = field(default_factory=dict)


def note_content(message: Message) -> NoteContent | None:
    """The note a message makes; None for kinds that are not logged (stickers, locations...)."""
    if message.text:
        return NoteContent("text", message.text)
    if message.photo:
        photo = message.photo[-1]  # the largest size
        return NoteContent(
            "photo",
            message.caption,
            {
                "file_id": photo.file_id,
                "file_unique_id": photo.file_unique_id,
                "mime_type": PHOTO_MIME,
                "file_size": photo.file_size,
            },
        )
    media = message.voice or message.document
    if media is None:
        return None
    return NoteContent(
        "voice" if message.voice else "document",
        message.caption,
        {
            "file_id": media.file_id,
            "file_unique_id": media.file_unique_id,
            "mime_type": media.mime_type,
            "file_size": media.file_size,
            "file_name": getattr(media, "file_name", None),
        },
    )
