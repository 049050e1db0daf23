"""The setup questions of /meeting and /forum: each one as a message, and applying an answer.

The answers are stored on the draft meeting as they come, and ``setup_step`` says which question
is asked; so a press on an old question is recognized as stale, and a restart asks the same one.
"""

from __future__ import annotations

from datetime import date, timedelta
from html import escape
from typing import Literal

from aiogram import Bot
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.keyboard import InlineKeyboardBuilder

from backend.jalali import format_date, parse_date, today_local
from backend.models import Meeting
from backend.plan import Named, Plan
from backend.services import meetings
from backend.text import parse_int
from backend.context import AppContext
from bot.i18n import t
from bot.meetings.callbacks import CHANGE, DONE, KEEP, SetupPick
from bot.meetings.links import bot_link, forum_payload
from bot.meetings.render import describe, names

Outcome = Literal["next", "toggled", "listed", "stale", "pick_one"]
_TOGGLED = {"axes": ("axis", "axes"), "groups": ("stakeholder_group", "stakeholder_groups")}
_PICKED = {"working_group": "working_group", "district": "district"}
# Questions filled in from the working group or source, to keep or change; the kind of their codes.
_PRESELECTED = {"axes": "axis", "district": "district", "groups": "stakeholder_group"}


def _preselected(meeting: Meeting, step: str) -> list[str]:
    """The codes a pre-selectable question already holds (its default, or given before a restart)."""
    if step in _TOGGLED:
        return list(getattr(meeting, _TOGGLED[step][1]))
    return [meeting.district] if step == "district" and meeting.district else []


def _items(plan: Plan, step: str) -> list[Named]:
    return plan.axes if step == "axes" else plan.stakeholder_groups


def source_question(plan: Plan, lang: str) -> tuple[str, InlineKeyboardMarkup]:
    """The first question of /meeting: which of the meeting sources."""
    builder = InlineKeyboardBuilder()
    for i, code in enumerate(meetings.meeting_sources(plan)):
        builder.button(text=names(plan, "source", [code], lang), callback_data=SetupPick(m=0, s="source", i=i))
    builder.adjust(1)
    return t("meetings.ask.source", lang), builder.as_markup()


def question(plan: Plan, meeting: Meeting, groups: list[str], today: date, lang: str, *,
             listing: bool = False) -> tuple[str, InlineKeyboardMarkup]:
    """The current setup question of a draft meeting with its buttons (``groups``: the facilitator's
    working groups). A question with a pre-selected answer offers to keep or change it, unless
    ``listing`` (the facilitator chose to change it): then every option is shown."""
    step = meeting.setup_step or ""
    builder = InlineKeyboardBuilder()

    def pick(label: str, i: int) -> None:
        builder.button(text=label, callback_data=SetupPick(m=meeting.id, s=step, i=i))

    held = _preselected(meeting, step) if step in _PRESELECTED and not listing else []
    if held:
        pick(t("meetings.keep_button", lang), KEEP)
        pick(t("meetings.change_button", lang), CHANGE)
        builder.adjust(2)
        shown = names(plan, _PRESELECTED[step], held, lang)
        text = t(f"meetings.ask.{step}", lang) + "\n" + t("meetings.preselected", lang, answer=shown)
        return text, builder.as_markup()
    if step == "working_group":
        for i, code in enumerate(groups):
            pick(("✓ " if code == meeting.working_group else "") + names(plan, "working_group", [code], lang), i)
        builder.adjust(1)
    elif step in _TOGGLED:
        ticked = getattr(meeting, _TOGGLED[step][1])
        for i, item in enumerate(_items(plan, step)):
            pick(("✅ " if item.code in ticked else "◻️ ") + item.name(lang), i)
        builder.adjust(2)
    elif step == "date":
        pick(t("meetings.today_button", lang, date=format_date(today, lang)), 0)
        pick(t("meetings.yesterday_button", lang, date=format_date(today - timedelta(days=1), lang)), 1)
    elif step == "district":
        for i, district in enumerate(plan.districts):
            pick(district.name(lang), i)
        builder.adjust(3)
    done_key = {"axes": "done_button", "groups": "done_button", "district": "citywide_button",
                "attendees": "skip_button", "organizations": "skip_button"}.get(step)
    if done_key:
        builder.row(InlineKeyboardButton(text=t(f"meetings.{done_key}", lang),
                                         callback_data=SetupPick(m=meeting.id, s=step, i=DONE).pack()))
    markup = builder.as_markup()
    return t(f"meetings.ask.{step}", lang), markup


def answered(plan: Plan, meeting: Meeting, step: str, lang: str) -> str:
    """The question with the answer it got, for the message the question was asked in."""
    if step == "source":
        value = names(plan, "source", [meeting.source], lang)
    elif step in _TOGGLED:
        kind, attribute = _TOGGLED[step]
        value = names(plan, kind, getattr(meeting, attribute), lang)
    elif step in _PICKED:
        code = getattr(meeting, _PICKED[step])
        value = names(plan, _PICKED[step], [code], lang) if code else t("meetings.citywide", lang)
    elif step == "date":
        value = format_date(meeting.held_on, lang)
    else:
        shown = meeting.attendees if step == "attendees" else meeting.organizations
        value = escape(str(shown)) if shown is not None else t("meetings.none", lang)
    return t("meetings.answered", lang, question=t(f"meetings.field.{step}", lang), answer=value)


def apply_pick(plan: Plan, meeting: Meeting, index: int, groups: list[str], today: date) -> Outcome:
    """Apply a press on the current question; ``next`` when the setup moved on."""
    step = meeting.setup_step or ""
    if step in _PRESELECTED and index == CHANGE:
        if step in _TOGGLED:
            setattr(meeting, _TOGGLED[step][1], [])
        return "listed"
    if step in _PRESELECTED and index == KEEP and _preselected(meeting, step):
        meetings.advance(meeting)
        return "next"
    if step in _TOGGLED:
        items, attribute = _items(plan, step), _TOGGLED[step][1]
        if index == DONE:
            if not getattr(meeting, attribute):
                return "pick_one"
            meetings.advance(meeting)
            return "next"
        if not 0 <= index < len(items):
            return "stale"
        setattr(meeting, attribute, meetings.toggle(getattr(meeting, attribute), items[index].code))
        return "toggled"
    if step == "working_group" and 0 <= index < len(groups):
        meetings.apply_working_group(plan, meeting, groups[index])
    elif step == "date" and index in (0, 1):
        meeting.held_on = today - timedelta(days=index)
    elif step == "district" and (index == DONE or 0 <= index < len(plan.districts)):
        meeting.district = None if index == DONE else plan.districts[index].code
    elif step in ("attendees", "organizations") and index == DONE:
        setattr(meeting, step, None)
    else:
        return "stale"
    meetings.advance(meeting)
    return "next"


def apply_typed(meeting: Meeting, text: str, today: date) -> str | None:
    """Apply a typed answer to the current question; the locale key of what was expected if it is wrong."""
    step = meeting.setup_step
    if step == "date":
        held_on = parse_date(text)
        if held_on is None:
            return "meetings.bad_date"
        if held_on > today:
            return "meetings.future_date"
        meeting.held_on = held_on
    elif step == "attendees":
        count = parse_int(text)
        if count is None or not 1 <= count <= meetings.MAX_ATTENDEES:
            return "meetings.bad_attendees"
        meeting.attendees = count
    elif step == "organizations" and text.strip():
        meetings.set_organizations(meeting, text)
    else:
        return "meetings.use_buttons"
    meetings.advance(meeting)
    return None


async def ask_next(bot: Bot, app: AppContext, chat_id: int, meeting: Meeting, groups: list[str], lang: str) -> None:
    """Send the current setup question or, once set up, the message that the meeting is open
    (with the join link to share, for a forum)."""
    if meeting.status == "draft":
        text, markup = question(app.plan, meeting, groups, today_local(app.zone), lang)
        await bot.send_message(chat_id, text, reply_markup=markup)
        return
    details = describe(app.plan, meeting, lang)
    if meeting.kind == "forum":
        link = await bot_link(bot, app.settings.api_base, forum_payload(app.secret, meeting.id))
        await bot.send_message(chat_id, t("forums.opened", lang, number=meeting.id, details=details, link=link))
    else:
        await bot.send_message(chat_id, t("meetings.opened", lang, number=meeting.id, details=details))
