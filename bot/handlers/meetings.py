"""Logging a meeting: /meeting and its setup, notes, findings, /undo, /edit, /pause, /resume, /close.

Each handler parses the update, calls one use case of ``backend.meetings.use_cases`` (which re-checks
the facilitator role and the open meeting, and claims the update in its transaction, so a re-delivered
update or a double tap does nothing) and renders the result.
"""

from __future__ import annotations

from aiogram import Bot, Router
from aiogram.filters import Command, CommandObject
from aiogram.types import CallbackQuery, Message, Update

from backend.context import AppContext
from backend.errors import Refused
from backend.meetings import use_cases
from backend.meetings.service import MeetingRecord, Minutes
from backend.models import Meeting, Note
from bot.guard import claim_of, guarded, pressed_on, sender_id
from bot.i18n import t
from bot.meetings import render, setup
from bot.meetings.access import AtMeeting
from bot.meetings.callbacks import CloseMeeting, FindingAxis, FindingParent, FindingSeverity, SetupPick
from bot.meetings.notes import note_content
from reports.minutes import render_minutes

FINDING_COMMANDS = ("problem", "strategy", "policy", "project")


@guarded
async def meeting_command(message: Message, app: AppContext, lang: str) -> None:
    """/meeting: a facilitator with no meeting open picks the source; the setup questions follow."""
    await use_cases.may_start(app, sender_id(message))
    text, markup = setup.source_question(app.plan, lang)
    await message.answer(text, reply_markup=markup)


@guarded
async def setup_pick(
    query: CallbackQuery, callback_data: SetupPick, bot: Bot, app: AppContext, event_update: Update, lang: str
) -> None:
    """A press on a setup question: the source starts the draft, the others fill it in."""
    picked = await use_cases.pick(
        app, claim_of(bot, event_update), sender_id(query), callback_data.m, callback_data.s, callback_data.i
    )
    await query.answer()
    if picked.outcome in ("toggled", "listed"):
        text, markup = setup.question(app.plan, picked.meeting, picked.groups, picked.today, lang, listing=True)
        await pressed_on(query).edit_text(text, reply_markup=markup)
        return
    await pressed_on(query).edit_text(setup.answered(app.plan, picked.meeting, callback_data.s, lang))
    await setup.ask_next(bot, app, sender_id(query), picked, lang)


@guarded
async def at_meeting(
    message: Message, meeting: Meeting, bot: Bot, app: AppContext, event_update: Update, lang: str
) -> None:
    """A facilitator's message while a meeting is set up (a typed answer), open (a note) or paused."""
    if meeting.status == "paused":
        raise Refused("meetings.paused", number=meeting.id)
    claim = claim_of(bot, event_update)
    if meeting.status == "draft":
        state = await use_cases.type_setup_answer(app, claim, sender_id(message), message.text or "")
        await setup.ask_next(bot, app, message.chat.id, state, lang)
        return
    content = note_content(message)
    if content is None:
        raise Refused("meetings.unsupported")
    await use_cases.record_note(
        app,
        claim,
        sender_id(message),
        content.kind,
        content.text,
        chat_id=message.chat.id,
        message_id=message.message_id,
        **content.file,
    )
    await message.answer(t("meetings.noted", lang, kind=t(f"meetings.kind.{content.kind}", lang)))


@guarded
async def finding_command(
    message: Message, command: CommandObject, bot: Bot, app: AppContext, event_update: Update, lang: str
) -> None:
    """/problem TEXT asks the axis and severity next; /strategy, /policy and /project TEXT are linked
    to the meeting's latest problem, with buttons to pick another."""
    kind = command.command.lower()
    recorded = await use_cases.record_finding(
        app, claim_of(bot, event_update), sender_id(message), kind, (command.args or "").strip()
    )
    finding, parent, problems = recorded.finding, recorded.parent, recorded.problems
    if parent is None:
        await message.answer(
            t("meetings.problem_saved", lang, number=len(problems) + 1),
            reply_markup=render.axis_keyboard(app.plan, finding, lang),
        )
        return
    await message.answer(
        t(
            "meetings.linked",
            lang,
            kind=t(f"meetings.kind.{kind}", lang),
            number=len(problems),
            problem=render.snippet(parent.text),
        ),
        reply_markup=render.parent_keyboard(finding, problems, lang),
    )


@guarded
async def finding_axis(
    query: CallbackQuery, callback_data: FindingAxis, bot: Bot, app: AppContext, event_update: Update, lang: str
) -> None:
    """The axis of a problem just recorded; the severity is asked next."""
    finding = await use_cases.set_axis(
        app, claim_of(bot, event_update), sender_id(query), callback_data.f, callback_data.i
    )
    await query.answer()
    axis = app.plan.axes[callback_data.i].name(lang)
    await pressed_on(query).edit_text(
        t("meetings.ask_severity", lang, text=render.snippet(finding.text), axis=axis),
        reply_markup=render.severity_keyboard(finding, lang),
    )


@guarded
async def finding_severity(
    query: CallbackQuery, callback_data: FindingSeverity, bot: Bot, app: AppContext, event_update: Update, lang: str
) -> None:
    """The severity (1-5) of a problem: the last of its questions."""
    finding = await use_cases.set_severity(
        app, claim_of(bot, event_update), sender_id(query), callback_data.f, callback_data.v
    )
    await query.answer(t("meetings.recorded", lang))
    await pressed_on(query).edit_text(
        t(
            "meetings.problem_done",
            lang,
            text=render.snippet(finding.text),
            severity=finding.severity,
            axis=render.names(app.plan, "axis", [finding.axis] if finding.axis else [], lang),
        )
    )


@guarded
async def finding_parent(
    query: CallbackQuery, callback_data: FindingParent, bot: Bot, app: AppContext, event_update: Update, lang: str
) -> None:
    """Link a strategy, policy or project to another problem of the same meeting."""
    relinked = await use_cases.set_parent(
        app, claim_of(bot, event_update), sender_id(query), callback_data.f, callback_data.p
    )
    await query.answer(t("meetings.recorded", lang))
    if relinked.moved:
        await pressed_on(query).edit_reply_markup(
            reply_markup=render.parent_keyboard(relinked.finding, relinked.problems, lang)
        )


@guarded
async def undo(message: Message, bot: Bot, app: AppContext, event_update: Update, lang: str) -> None:
    """/undo: remove the facilitator's latest note or finding of the meeting."""
    removed = await use_cases.undo(app, claim_of(bot, event_update), sender_id(message))
    await message.answer(
        t(
            "meetings.undone",
            lang,
            kind=t(f"meetings.kind.{removed.kind}", lang),
            text=render.snippet(removed.text) or t("meetings.none", lang),
        )
    )


@guarded
async def edit(
    message: Message, command: CommandObject, bot: Bot, app: AppContext, event_update: Update, lang: str
) -> None:
    """/edit TEXT: correct the note replied to, or else the latest note or finding."""
    text = (command.args or "").strip()
    replied = message.reply_to_message
    target = await use_cases.edit(
        app,
        claim_of(bot, event_update),
        sender_id(message),
        text,
        chat_id=message.chat.id,
        message_id=replied.message_id if replied else None,
    )
    kind = "text" if isinstance(target, Note) else target.kind
    await message.answer(t("meetings.edited", lang, kind=t(f"meetings.kind.{kind}", lang), text=render.snippet(text)))


@guarded
async def pause_or_resume(
    message: Message, command: CommandObject, bot: Bot, app: AppContext, event_update: Update, lang: str
) -> None:
    """/pause stops logging (messages are no longer notes); /resume starts it again."""
    pause = command.command.lower() == "pause"
    meeting = await use_cases.pause(app, claim_of(bot, event_update), sender_id(message), pause)
    await message.answer(t("meetings.paused_now" if pause else "meetings.resumed", lang, number=meeting.id))


@guarded
async def close_command(message: Message, app: AppContext, lang: str) -> None:
    """/close: the summary, with buttons to close for good or to go on logging."""
    meeting, summary = await use_cases.summary(app, sender_id(message))
    text, markup = render.summary_message(app.plan, meeting, summary, lang)
    await message.answer(text, reply_markup=markup)


@guarded
async def close_pressed(
    query: CallbackQuery, callback_data: CloseMeeting, bot: Bot, app: AppContext, event_update: Update, lang: str
) -> None:
    """Confirm: close the meeting and queue its minutes (an HTML document) in one transaction; the
    outbox sends them. Continue: keep logging."""
    meeting = await use_cases.close(
        app,
        claim_of(bot, event_update),
        sender_id(query),
        callback_data.m,
        callback_data.ok,
        lambda record: _minutes(app, record, lang),
    )
    await query.answer()
    await pressed_on(query).edit_reply_markup(reply_markup=None)
    key = "closing" if callback_data.ok else "continuing"
    await pressed_on(query).answer(t(render.of_kind(meeting, key), lang, number=meeting.id))


def _minutes(app: AppContext, record: MeetingRecord, lang: str) -> Minutes:
    caption = t(render.of_kind(record.meeting, "minutes"), lang, number=record.meeting.id)
    return Minutes(render_minutes(record, app.plan, lang), caption)


def router() -> Router:
    """Meeting logging; its message handler only takes messages of a facilitator at a meeting."""
    r = Router(name="meetings")
    r.message.register(meeting_command, Command("meeting"))
    r.message.register(finding_command, Command(*FINDING_COMMANDS))
    r.message.register(undo, Command("undo"))
    r.message.register(edit, Command("edit"))
    r.message.register(pause_or_resume, Command("pause", "resume"))
    r.message.register(close_command, Command("close"))
    r.message.register(at_meeting, AtMeeting())
    r.callback_query.register(setup_pick, SetupPick.filter())
    r.callback_query.register(finding_axis, FindingAxis.filter())
    r.callback_query.register(finding_severity, FindingSeverity.filter())
    r.callback_query.register(finding_parent, FindingParent.filter())
    r.callback_query.register(close_pressed, CloseMeeting.filter())
    return r
