"""The set-up questions of /meeting and /forum as messages (the state machine is ``backend.meetings.setup``)."""

from __future__ import annotations

from datetime import date, timedelta
from html import escape

from aiogram import Bot
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.keyboard import InlineKeyboardBuilder

from backend.context import AppContext
from backend.jalali import format_date
from backend.meetings.service import meeting_sources
from backend.meetings.setup import CHANGE, DONE, KEEP, PICKED, PRESELECTED, TOGGLED, options, preselected
from backend.meetings.use_cases import SetupState
from backend.models import Meeting
from backend.plan import Plan
from bot.i18n import t
from bot.meetings.callbacks import SetupPick
from bot.meetings.links import bot_link, forum_payload
from bot.meetings.render import describe, names


def source_question(plan: Plan, lang: str) -> tuple[str, InlineKeyboardMarkup]:
    """The first question of /meeting: which of the meeting sources."""
    builder = InlineKeyboardBuilder()
    for i, code in enumerate(meeting_sources(plan)):
        builder.button(text=names(plan, "source", [code], lang), callback_data=SetupPick(m=0, s="source", i=i))
    builder.adjust(1)
    return t("meetings.ask.source", lang), builder.as_markup()


def question(
    plan: Plan, meeting: Meeting, groups: list[str], today: date, lang: str, *, listing: bool = False
) -> tuple[str, InlineKeyboardMarkup]:
    """The current setup question of a draft meeting with its buttons (``groups``: the facilitator's
    working groups). A question with a pre-selected answer offers to keep or change it, unless
    ``listing`` (the facilitator chose to change it): then every option is shown."""
    step = meeting.setup_step or ""
    builder = InlineKeyboardBuilder()

    def pick(label: str, i: int) -> None:
        builder.button(text=label, callback_data=SetupPick(m=meeting.id, s=step, i=i))

    held = preselected(meeting, step) if step in PRESELECTED and not listing else []
    if held:
        pick(t("meetings.keep_button", lang), KEEP)
        pick(t("meetings.change_button", lang), CHANGE)
        builder.adjust(2)
        shown = names(plan, PRESELECTED[step], held, lang)
        text = t(f"meetings.ask.{step}", lang) + "\n" + t("meetings.preselected", lang, answer=shown)
        return text, builder.as_markup()
    if step == "working_group":
        for i, code in enumerate(groups):
            pick(("✓ " if code == meeting.working_group else "") + names(plan, "working_group", [code], lang), i)
        builder.adjust(1)
    elif step in TOGGLED:
        ticked = getattr(meeting, TOGGLED[step][1])
        for i, item in enumerate(options(plan, step)):
            pick(("✅ " if item.code in ticked else "◻️ ") + item.name(lang), i)
        builder.adjust(2)
    elif step == "date":
        pick(t("meetings.today_button", lang, date=format_date(today, lang)), 0)
        pick(t("meetings.yesterday_button", lang, date=format_date(today - timedelta(days=1), lang)), 1)
    elif step == "district":
        for i, district in enumerate(plan.districts):
            pick(district.name(lang), i)
        builder.adjust(3)
    done_key = {
        "axes": "done_button",
        "groups": "done_button",
        "district": "citywide_button",
        "attendees": "skip_button",
        "organizations": "skip_button",
    }.get(step)
    if done_key:
        builder.row(
            InlineKeyboardButton(
                text=t(f"meetings.{done_key}", lang), callback_data=SetupPick(m=meeting.id, s=step, i=DONE).pack()
            )
        )
    markup = builder.as_markup()
    return t(f"meetings.ask.{step}", lang), markup


def answered(plan: Plan, meeting: Meeting, step: str, lang: str) -> str:
    """The question with the answer it got, for the message the question was asked in."""
    if step == "source":
        value = names(plan, "source", [meeting.source], lang)
    elif step in TOGGLED:
        kind, attribute = TOGGLED[step]
        value = names(plan, kind, getattr(meeting, attribute), lang)
    elif step in PICKED:
        code = getattr(meeting, PICKED[step])
        value = names(plan, PICKED[step], [code], lang) if code else t("meetings.citywide", lang)
    elif step == "date":
        value = format_date(meeting.held_on, lang)
    else:
        shown = meeting.attendees if step == "attendees" else meeting.organizations
        value = escape(str(shown)) if shown is not None else t("meetings.none", lang)
    return t("meetings.answered", lang, question=t(f"meetings.field.{step}", lang), answer=value)


async def ask_next(bot: Bot, app: AppContext, chat_id: int, state: SetupState, lang: str) -> None:
    """Send the current setup question or, once set up, the message that the meeting is open
    (with the join link to share, for a forum)."""
    meeting = state.meeting
    if meeting.status == "draft":
        text, markup = question(app.plan, meeting, state.groups, state.today, lang)
        await bot.send_message(chat_id, text, reply_markup=markup)
        return
    details = describe(app.plan, meeting, lang)
    if meeting.kind == "forum":
        link = await bot_link(bot, app.settings.api_base, forum_payload(app.secret, meeting.id))
        await bot.send_message(chat_id, t("forums.opened", lang, number=meeting.id, details=details, link=link))
    else:
        await bot.send_message(chat_id, t("meetings.opened", lang, number=meeting.id, details=details))
