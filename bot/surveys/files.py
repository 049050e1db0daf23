"""What a citizen shares while answering, as the reply the engine reads: a location (or a
venue's) as a point; a photo, voice, audio, video or document as a file, downloaded through
getFile into ``<MEYDAN_DATA_DIR>/files/`` when the question asks for that kind of file.
(The oversize middleware has already refused files over ``MEYDAN_MAX_FILE_MB``.)"""

from __future__ import annotations

from pathlib import Path, PurePosixPath
from typing import Any

from aiogram import Bot
from aiogram.types import Message

from backend.surveys.model import Question
from backend.surveys.validation import accepts_file

FILES_FOLDER = "files"


def _media(message: Message) -> tuple[str, Any] | None:
    """The message's file: its kind as the engine names it, and the Bot API object."""
    for kind in ("document", "voice", "audio", "video", "video_note"):
        media = getattr(message, kind)
        if media is not None:
            return kind, media
    return ("photo", message.photo[-1]) if message.photo else None  # the largest size


async def _download(bot: Bot, media: Any, data_dir: Path) -> Path:
    """Fetch the file through getFile into the data directory, named by its unique id."""
    found = await bot.get_file(media.file_id)
    suffix = PurePosixPath(found.file_path or "").suffix
    path = data_dir / FILES_FOLDER / f"{media.file_unique_id}{suffix}"
    path.parent.mkdir(parents=True, exist_ok=True)
    await bot.download_file(found.file_path or "", destination=path)
    return path


async def received(bot: Bot, message: Message, question: Question, data_dir: Path) -> dict[str, Any]:
    """The reply ``message`` makes to ``question``; a wanted file is downloaded first."""
    location = message.venue.location if message.venue else message.location
    if location is not None:
        return {
            "latitude": location.latitude,
            "longitude": location.longitude,
            "horizontal_accuracy": location.horizontal_accuracy,
        }
    found = _media(message)
    if found is None:
        return {}
    kind, media = found
    raw: dict[str, Any] = {"file_id": media.file_id, "kind": kind, "mime_type": getattr(media, "mime_type", None)}
    if accepts_file(question, kind, raw["mime_type"]):
        raw["path"] = str(await _download(bot, media, data_dir))
    return raw
