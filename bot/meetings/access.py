"""The filters aiogram routes meeting and forum messages with; the rules are ``backend.meetings.access``."""

from __future__ import annotations

from aiogram.filters import Filter
from aiogram.types import Message

from backend.context import AppContext
from backend.forums import use_cases as forums
from backend.meetings import use_cases as meetings
from backend.models import Meeting
from bot.i18n import t
from bot.meetings.render import of_kind


class AtMeeting(Filter):
    """Passes a non-command message of a facilitator whose meeting is in setup, open or paused,
    handing ``meeting`` (as read now) to the handler."""

    async def __call__(self, message: Message, app: AppContext) -> bool | dict[str, Meeting]:
        if message.from_user is None or (message.text or "").startswith("/"):
            return False
        meeting = await meetings.current(app, message.from_user.id)
        return False if meeting is None else {"meeting": meeting}


class AtForum(Filter):
    """Passes a non-command message of someone seated in an open NGO forum."""

    async def __call__(self, message: Message, app: AppContext) -> bool:
        if message.from_user is None or (message.text or "").startswith("/"):
            return False
        return await forums.seated(app, message.from_user.id)


async def closed_notice(app: AppContext, user_id: int, lang: str) -> str | None:
    """For a message nothing else took: if the sender's last meeting or forum has closed, the text that
    says so (and, to its facilitator, how to open another); else None."""
    closed = await meetings.last_closed(app, user_id)
    if closed is None:
        return None
    key = of_kind(closed.meeting, "after_close") if closed.facilitated else "forums.closed"
    return t(key, lang, number=closed.meeting.id)


class AfterClose(Filter):
    """Passes a message that is not text (text goes to the surveys, which say the same) from someone whose
    last meeting or forum has closed, handing ``notice``: what to tell them."""

    async def __call__(self, message: Message, app: AppContext, lang: str) -> bool | dict[str, str]:
        if message.from_user is None or message.text is not None:
            return False
        notice = await closed_notice(app, message.from_user.id, lang)
        return False if notice is None else {"notice": notice}
