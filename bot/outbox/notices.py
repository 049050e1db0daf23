"""Telling the admins, through the outbox itself, that a user blocked the bot."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from sqlalchemy.ext.asyncio import AsyncSession

from backend.locales import localize_digits
from backend.models import OutboxMessage
from backend.participants import service as participants
from backend.services import outbox
from bot.i18n import t

NOTICE_PREFIX = "outbox.unreachable:"


def is_notice(message: OutboxMessage) -> bool:
    """Whether ``message`` is itself such a notice (a blocked admin must not set off a chain of them)."""
    return message.dedupe_key.startswith(NOTICE_PREFIX)


async def notify_unreachable(session: AsyncSession, admin_ids: Sequence[int], message: OutboxMessage) -> int:
    """Queue one notice per admin (other than the blocked chat) that ``message`` met a blocked bot.

    Keyed by the message, so marking it twice never doubles a notice. Returns how many were queued.
    """
    if is_notice(message):
        return 0
    notices = []
    for admin in admin_ids:
        if admin == message.chat_id:
            continue
        lang = await participants.language_of(session, admin)
        chat = localize_digits(message.chat_id, lang)
        text = t("outbox.unreachable", lang, chat=chat, key=escape(message.dedupe_key))
        notices.append(outbox.Outgoing(f"{NOTICE_PREFIX}{message.id}:{admin}", admin, "sendMessage", {"text": text}))
    return await outbox.enqueue_many(session, notices)
