"""NGO forums: /forum opens one, participants join by its link and send feedback, each a finding."""

from __future__ import annotations

from html import escape

from aiogram import Bot, F, Router
from aiogram.filters import Command, CommandObject, CommandStart
from aiogram.types import Message, Update

from backend.errors import Refused
from backend.jalali import today_local
from backend.services import meetings, roles
from backend.context import AppContext
from bot.guard import guarded, once
from bot.i18n import t
from bot.meetings import access, links, render, setup
from bot.meetings.access import AfterClose, AtForum


@guarded
async def forum_command(message: Message, bot: Bot, app: AppContext, event_update: Update, lang: str) -> None:
    """/forum: set up an NGO forum like a meeting; at the end the facilitator gets its join link."""
    if meetings.FORUM_SOURCE not in meetings.meeting_sources(app.plan):
        raise Refused("forums.unavailable")
    async with once(app, bot, event_update) as session:
        participant = await access.idle(session, message.from_user.id)
        meeting = await meetings.start_draft(session, app.plan, participant.id, meetings.FORUM_SOURCE,
                                             today_local(app.zone), forum=True)
        groups = await roles.scopes(session, participant.id, "facilitator")
    await message.answer(t("forums.setup", lang))
    await setup.ask_next(bot, app, message.chat.id, meeting, groups, lang)


@guarded
async def join(message: Message, command: CommandObject, bot: Bot, app: AppContext, event_update: Update,
               lang: str) -> None:
    """/start f_<id>_<key>: take a seat in an open forum, then name the organization."""
    parsed = links.parse_forum_payload(command.args or "")
    async with once(app, bot, event_update) as session:
        meeting = None if parsed is None else await meetings.open_forum(session, app.secret, *parsed)
        if meeting is None:
            raise Refused("forums.link_invalid")
        participant = await access.participant_for(session, app, message.from_user.id, lang)
        seat = await roles.grant(session, participant.id, "ngo", str(meeting.id))
    await message.answer(t("forums.welcome", lang, number=meeting.id, details=render.describe(app.plan, meeting, lang)))
    await message.answer(_next_step(seat.organization, lang))


def _next_step(organization: str | None, lang: str) -> str:
    if organization is None:
        return t("forums.ask_organization", lang)
    return t("forums.send_feedback", lang, organization=escape(organization))


@guarded
async def feedback(message: Message, bot: Bot, app: AppContext, event_update: Update, lang: str) -> None:
    """A seated participant's message: first the organization they speak for, then each message is
    a civil-society finding; the facilitator sees the running count."""
    if not message.text:
        raise Refused("forums.text_only")
    finding = facilitator = None
    async with once(app, bot, event_update) as session:
        seat, meeting = await access.forum_seat(session, message.from_user.id)
        if seat.organization is None:
            seat.organization = message.text.strip()
        else:
            finding = await meetings.record_feedback(session, meeting, seat, message.text)
            facilitator = await meetings.facilitator_of(session, meeting)
    if finding is None:
        await message.answer(_next_step(seat.organization, lang))
        return
    await message.answer(t("forums.received", lang))
    if facilitator is not None and facilitator.telegram_id is not None:
        async with app.sessions() as session:
            count = await meetings.feedback_count(session, meeting.id)
        await bot.send_message(facilitator.telegram_id, t(
            "forums.count", facilitator.language, number=meeting.id, count=count,
            organization=escape(seat.organization or ""), text=render.snippet(finding.text)))


async def after_close(message: Message, notice: str) -> None:
    """A file, photo or voice note from someone whose meeting or forum has closed: not recorded, and why."""
    await message.answer(notice)


def router() -> Router:
    """Forum set-up, joining by link (before onboarding's /start), feedback, and what comes after a
    meeting or forum has closed."""
    r = Router(name="forums")
    r.message.register(join, CommandStart(deep_link=True, magic=F.args.regexp(f"^{links.FORUM_PREFIX}")))
    r.message.register(forum_command, Command("forum"))
    r.message.register(feedback, AtForum())
    r.message.register(after_close, AfterClose())
    return r
