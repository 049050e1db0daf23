"""Reminding facilitators of meetings left open: a meeting is never closed silently."""

from __future__ import annotations

import logging
from datetime import datetime

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError

from backend.context import AppContext
from backend.jalali import format_datetime
from backend.meetings import use_cases
from backend.models import utcnow
from bot.i18n import pick_language, t

log = logging.getLogger("meydan.bot")


async def remind_stale_meetings(bot: Bot, app: AppContext, now: datetime | None = None) -> int:
    """Remind each facilitator once of a meeting open (or paused) for 12 hours; returns how many
    were reminded. Meetings are marked before sending, so a crash may lose a reminder but never
    sends it twice. The scheduler calls this periodically."""
    due = await use_cases.due_reminders(app, now or utcnow())
    for reminder in due:
        lang = pick_language(reminder.language)
        text = t(
            "meetings.reminder",
            lang,
            number=reminder.meeting.id,
            since=format_datetime(reminder.meeting.created_at, lang),
        )
        try:
            await bot.send_message(reminder.telegram_id, text)
        except TelegramAPIError as exc:
            log.warning("could not remind of meeting %s: %s", reminder.meeting.id, exc)
    return len(due)
