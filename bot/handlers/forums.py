"""NGO forums: /forum opens one, participants join by its link and send feedback, each a finding."""

from __future__ import annotations

from html import escape

from aiogram import Bot, F, Router
from aiogram.filters import Command, CommandObject, CommandStart
from aiogram.types import Message, Update

from backend.context import AppContext
from backend.errors import Refused
from backend.forums import use_cases
from bot.guard import claim_of, guarded, sender_id
from bot.i18n import t
from bot.meetings import links, render, setup
from bot.meetings.access import AfterClose, AtForum


@guarded
async def forum_command(message: Message, bot: Bot, app: AppContext, event_update: Update, lang: str) -> None:
    """/forum: set up an NGO forum like a meeting; at the end the facilitator gets its join link."""
    state = await use_cases.open_forum(app, claim_of(bot, event_update), sender_id(message))
    await message.answer(t("forums.setup", lang))
    await setup.ask_next(bot, app, message.chat.id, state, lang)


@guarded
async def join(
    message: Message, command: CommandObject, bot: Bot, app: AppContext, event_update: Update, lang: str
) -> None:
    """/start f_<id>_<key>: take a seat in an open forum, then name the organization."""
    parsed = links.parse_forum_payload(command.args or "")
    if parsed is None:
        raise Refused("forums.link_invalid")
    seat = await use_cases.join(app, claim_of(bot, event_update), sender_id(message), lang, *parsed)
    await message.answer(
        t("forums.welcome", lang, number=seat.meeting.id, details=render.describe(app.plan, seat.meeting, lang))
    )
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
    sent = await use_cases.send_feedback(app, claim_of(bot, event_update), sender_id(message), message.text)
    if sent.finding is None:
        await message.answer(_next_step(sent.organization, lang))
        return
    await message.answer(t("forums.received", lang))
    if sent.facilitator is not None:
        chat_id, language = sent.facilitator
        await bot.send_message(
            chat_id,
            t(
                "forums.count",
                language,
                number=sent.meeting.id,
                count=sent.count,
                organization=escape(sent.organization or ""),
                text=render.snippet(sent.finding.text),
            ),
        )


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
