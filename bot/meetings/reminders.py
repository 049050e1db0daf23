"""Reminding facilitators of meetings left open: a meeting is never closed silently."""

from __future__ import annotations

import logging
from datetime import datetime

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError

from backend.jalali import format_datetime
from backend.models import utcnow
from backend.services import meetings
from backend.context import AppContext
from bot.i18n import pick_language, t

log = logging.getLogger("meydan.bot")


async def remind_stale_meetings(bot: Bot, app: AppContext, now: datetime | None = None) -> int:
    """Remind each facilitator once of a meeting open (or paused) for 12 hours; returns how many
    were reminded. Meetings are marked before sending, so a crash may lose a reminder but never
    sends it twice. The scheduler calls this periodically."""
    async with app.sessions() as session, session.begin():
        due = await meetings.remind_due(session, now or utcnow())
    for reminder in due:
        lang = pick_language(reminder.language)
        text = t("meetings.reminder", lang, number=reminder.meeting.id,
                 since=format_datetime(reminder.meeting.created_at, lang))
        try:
            await bot.send_message(reminder.telegram_id, text)
        except TelegramAPIError as exc:
            log.warning("could not remind of meeting %s: %s", reminder.meeting.id, exc)
    return len(due)
