"""Input the bot will not take, refused with one clear message before any handler sees it:
texts or captions longer than ``MEYDAN_MAX_TEXT_LENGTH``, files over ``MEYDAN_MAX_FILE_MB``,
and albums (a media group is refused once, with one message, whatever its size)."""

from __future__ import annotations

import math
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware, Bot, Dispatcher
from aiogram.dispatcher.event.bases import UNHANDLED
from aiogram.types import Message, TelegramObject

from backend.config import Settings
from bot.counters import Counters
from bot.i18n import t

MB = 1024 * 1024
ALBUM_SECONDS = 60  # an album's messages arrive together; one refusal per album within this time


def file_size(message: Message) -> int | None:
    """The size in bytes of the file a message carries (the largest photo size), if it says."""
    media = (
        message.photo[-1]
        if message.photo
        else message.document
        or message.video
        or message.audio
        or message.voice
        or message.video_note
        or message.animation
    )
    return media.file_size if media is not None else None


class OversizeMiddleware(BaseMiddleware):
    """Lets a message through, or answers why it was not taken (in the user's ``lang``)."""

    def __init__(self, counters: Counters, *, max_text: int, max_file_mb: int) -> None:
        self.counters = counters
        self.max_text = max_text
        self.max_file_mb = max_file_mb

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        assert isinstance(event, Message)
        lang: str = data["lang"]
        if event.media_group_id is not None:
            bot: Bot = data["bot"]
            album = f"{bot.id}:album:{event.chat.id}:{event.media_group_id}"
            if await self.counters.hit(album, ALBUM_SECONDS) == 1:
                await event.answer(t("limits.album", lang))
            return UNHANDLED
        refusal = self._refusal(event, lang)
        if refusal is None:
            return await handler(event, data)
        await event.answer(refusal)
        return UNHANDLED

    def _refusal(self, message: Message, lang: str) -> str | None:
        length = len(message.text or message.caption or "")
        if length > self.max_text:
            return t("limits.text_too_long", lang, length=length, max=self.max_text)
        size = file_size(message) or 0
        if size > self.max_file_mb * MB:
            return t("limits.file_too_large", lang, size=math.ceil(size / MB), max=self.max_file_mb)
        return None


def install(dp: Dispatcher, settings: Settings, counters: Counters) -> None:
    """Check every message with the configured limits (register after the language middleware)."""
    dp.message.outer_middleware(
        OversizeMiddleware(counters, max_text=settings.max_text_length, max_file_mb=settings.max_file_mb)
    )
