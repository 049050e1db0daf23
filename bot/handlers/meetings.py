"""Logging a meeting: /meeting and its setup, notes, findings, /undo, /edit, /pause, /resume, /close.

Every command re-checks the facilitator role and the open meeting in the database; each write
is one transaction that claims its update, so a re-delivered update or a double tap does nothing.
"""

from __future__ import annotations

from aiogram import Bot, Router
from aiogram.filters import Command, CommandObject
from aiogram.types import CallbackQuery, Message, Update

from backend.errors import Refused
from backend.jalali import format_date, today_local
from backend.models import Meeting, Note
from backend.services import meetings, roles
from backend.context import AppContext
from bot.guard import guarded, once
from bot.i18n import t
from bot.meetings import access, render, setup
from bot.meetings.access import AtMeeting
from bot.meetings.callbacks import CloseMeeting, FindingAxis, FindingParent, FindingSeverity, SetupPick
from bot.meetings.notes import note_content
from reports.minutes import render_minutes

FINDING_COMMANDS = ("problem", "strategy", "policy", "project")


@guarded
async def meeting_command(message: Message, app: AppContext, lang: str) -> None:
    """/meeting: a facilitator with no meeting open picks the source; the setup questions follow."""
    async with app.sessions() as session:
        await access.idle(session, message.from_user.id)
    text, markup = setup.source_question(app.plan, lang)
    await message.answer(text, reply_markup=markup)


@guarded
async def setup_pick(query: CallbackQuery, callback_data: SetupPick, bot: Bot, app: AppContext,
                     event_update: Update, lang: str) -> None:
    """A press on a setup question: the source starts the draft, the others fill it in."""
    today = today_local(app.zone)
    step = callback_data.s
    starting = step == "source" and callback_data.m == 0
    async with once(app, bot, event_update) as session:
        participant = await (access.idle if starting else access.facilitator)(session, query.from_user.id)
        groups = await roles.scopes(session, participant.id, "facilitator")
        if starting:
            sources = meetings.meeting_sources(app.plan)
            if not 0 <= callback_data.i < len(sources):
                raise Refused("errors.stale_button")
            meeting = await meetings.start_draft(session, app.plan, participant.id, sources[callback_data.i], today)
            outcome = "next"
        else:
            meeting = await access.draft(session, participant.id, callback_data.m, step)
            outcome = setup.apply_pick(app.plan, meeting, callback_data.i, groups, today)
            if outcome in ("stale", "pick_one"):
                raise Refused("errors.stale_button" if outcome == "stale" else "meetings.pick_one")
    await query.answer()
    if outcome in ("toggled", "listed"):
        text, markup = setup.question(app.plan, meeting, groups, today, lang, listing=True)
        await query.message.edit_text(text, reply_markup=markup)
        return
    await query.message.edit_text(setup.answered(app.plan, meeting, step, lang))
    await setup.ask_next(bot, app, query.from_user.id, meeting, groups, lang)


@guarded
async def at_meeting(message: Message, meeting: Meeting, bot: Bot, app: AppContext, event_update: Update,
                     lang: str) -> None:
    """A facilitator's message while a meeting is set up (a typed answer), open (a note) or paused."""
    if meeting.status == "paused":
        raise Refused("meetings.paused", number=meeting.id)
    if meeting.status == "draft":
        await _typed_setup(message, bot, app, event_update, lang)
        return
    content = note_content(message)
    if content is None:
        raise Refused("meetings.unsupported")
    async with once(app, bot, event_update) as session:
        participant, meeting = await access.open_meeting(session, message.from_user.id)
        await meetings.add_note(session, meeting, participant.id, kind=content.kind, text=content.text,
                                chat_id=message.chat.id, message_id=message.message_id, **content.file)
    await message.answer(t("meetings.noted", lang, kind=t(f"meetings.kind.{content.kind}", lang)))


async def _typed_setup(message: Message, bot: Bot, app: AppContext, event_update: Update, lang: str) -> None:
    async with once(app, bot, event_update) as session:
        participant = await access.facilitator(session, message.from_user.id)
        meeting = await meetings.active(session, participant.id)
        if meeting is None or meeting.status != "draft":
            raise Refused("meetings.none_open")
        today = today_local(app.zone)
        error = setup.apply_typed(meeting, message.text or "", today)
        if error is not None:
            raise Refused(error, max=meetings.MAX_ATTENDEES, today=format_date(today, lang))
        groups = await roles.scopes(session, participant.id, "facilitator")
    await setup.ask_next(bot, app, message.chat.id, meeting, groups, lang)


@guarded
async def finding_command(message: Message, command: CommandObject, bot: Bot, app: AppContext,
                          event_update: Update, lang: str) -> None:
    """/problem TEXT asks the axis and severity next; /strategy, /policy and /project TEXT are linked
    to the meeting's latest problem, with buttons to pick another."""
    kind = command.command.lower()
    text = (command.args or "").strip()
    async with once(app, bot, event_update) as session:
        participant, meeting = await access.open_meeting(session, message.from_user.id)
        if not text:
            raise Refused("meetings.usage", command=kind)
        problems = await meetings.problems(session, meeting.id)
        if kind != "problem" and not problems:
            raise Refused("meetings.problem_first")
        parent = problems[-1] if kind != "problem" else None
        finding = await meetings.add_finding(session, meeting, participant.id, kind, text, parent=parent)
    if parent is None:
        await message.answer(t("meetings.problem_saved", lang, number=len(problems) + 1),
                             reply_markup=render.axis_keyboard(app.plan, finding, lang))
        return
    await message.answer(
        t("meetings.linked", lang, kind=t(f"meetings.kind.{kind}", lang), number=len(problems),
          problem=render.snippet(parent.text)),
        reply_markup=render.parent_keyboard(finding, problems, lang))


@guarded
async def finding_axis(query: CallbackQuery, callback_data: FindingAxis, bot: Bot, app: AppContext,
                       event_update: Update, lang: str) -> None:
    """The axis of a problem just recorded; the severity is asked next."""
    if not 0 <= callback_data.i < len(app.plan.axes):
        raise Refused("errors.stale_button")
    async with once(app, bot, event_update) as session:
        finding = await access.problem(session, query.from_user.id, callback_data.f)
        finding.axis = app.plan.axes[callback_data.i].code
    await query.answer()
    axis = app.plan.axes[callback_data.i].name(lang)
    await query.message.edit_text(t("meetings.ask_severity", lang, text=render.snippet(finding.text), axis=axis),
                                  reply_markup=render.severity_keyboard(finding, lang))


@guarded
async def finding_severity(query: CallbackQuery, callback_data: FindingSeverity, bot: Bot, app: AppContext,
                           event_update: Update, lang: str) -> None:
    """The severity (1-5) of a problem: the last of its questions."""
    if callback_data.v not in render.SEVERITIES:
        raise Refused("errors.stale_button")
    async with once(app, bot, event_update) as session:
        finding = await access.problem(session, query.from_user.id, callback_data.f)
        finding.severity = callback_data.v
    await query.answer(t("meetings.recorded", lang))
    await query.message.edit_text(t(
        "meetings.problem_done", lang, text=render.snippet(finding.text), severity=finding.severity,
        axis=render.names(app.plan, "axis", [finding.axis] if finding.axis else [], lang)))


@guarded
async def finding_parent(query: CallbackQuery, callback_data: FindingParent, bot: Bot, app: AppContext,
                         event_update: Update, lang: str) -> None:
    """Link a strategy, policy or project to another problem of the same meeting."""
    async with once(app, bot, event_update) as session:
        participant = await access.facilitator(session, query.from_user.id)
        finding = await meetings.owned_finding(session, callback_data.f, participant.id)
        problem = await meetings.owned_finding(session, callback_data.p, participant.id)
        if (finding is None or problem is None or finding.kind == "problem" or problem.kind != "problem"
                or problem.meeting_id != finding.meeting_id):
            raise Refused("errors.stale_button")
        moved = finding.parent_id != problem.id
        finding.parent_id, finding.axis = problem.id, problem.axis
        problems = await meetings.problems(session, finding.meeting_id)  # type: ignore[arg-type]
    await query.answer(t("meetings.recorded", lang))
    if moved:
        await query.message.edit_reply_markup(reply_markup=render.parent_keyboard(finding, problems, lang))


@guarded
async def undo(message: Message, bot: Bot, app: AppContext, event_update: Update, lang: str) -> None:
    """/undo: remove the facilitator's latest note or finding of the meeting."""
    async with once(app, bot, event_update) as session:
        participant, meeting = await access.open_meeting(session, message.from_user.id)
        removed = await meetings.undo_last(session, meeting, participant.id)
    if removed is None:
        raise Refused("meetings.nothing_to_undo")
    await message.answer(t("meetings.undone", lang, kind=t(f"meetings.kind.{removed.kind}", lang),
                           text=render.snippet(removed.text) or t("meetings.none", lang)))


@guarded
async def edit(message: Message, command: CommandObject, bot: Bot, app: AppContext, event_update: Update,
               lang: str) -> None:
    """/edit TEXT: correct the note replied to, or else the latest note or finding."""
    text = (command.args or "").strip()
    replied = message.reply_to_message
    async with once(app, bot, event_update) as session:
        participant, meeting = await access.open_meeting(session, message.from_user.id)
        if not text:
            raise Refused("meetings.usage", command="edit")
        target = await meetings.edit(session, meeting, participant.id, text, chat_id=message.chat.id,
                                     message_id=replied.message_id if replied else None)
        if target is None:
            raise Refused("meetings.nothing_to_edit")
    kind = "text" if isinstance(target, Note) else target.kind
    await message.answer(t("meetings.edited", lang, kind=t(f"meetings.kind.{kind}", lang), text=render.snippet(text)))


@guarded
async def pause_or_resume(message: Message, command: CommandObject, bot: Bot, app: AppContext,
                          event_update: Update, lang: str) -> None:
    """/pause stops logging (messages are no longer notes); /resume starts it again."""
    pause = command.command.lower() == "pause"
    async with once(app, bot, event_update) as session:
        _, meeting = await access.open_meeting(session, message.from_user.id, paused_too=True)
        if (meeting.status == "paused") == pause:
            raise Refused("meetings.already_paused" if pause else "meetings.not_paused", number=meeting.id)
        meetings.set_paused(meeting, pause)
    await message.answer(t("meetings.paused_now" if pause else "meetings.resumed", lang, number=meeting.id))


@guarded
async def close_command(message: Message, app: AppContext, lang: str) -> None:
    """/close: the summary, with buttons to close for good or to go on logging."""
    async with app.sessions() as session:
        _, meeting = await access.open_meeting(session, message.from_user.id, paused_too=True)
        summary = await meetings.summary(session, meeting)
    text, markup = render.summary_message(app.plan, meeting, summary, lang)
    await message.answer(text, reply_markup=markup)


@guarded
async def close_pressed(query: CallbackQuery, callback_data: CloseMeeting, bot: Bot, app: AppContext,
                        event_update: Update, lang: str) -> None:
    """Confirm: close the meeting and queue its minutes (an HTML document) in one transaction; the
    outbox sends them. Continue: keep logging."""
    async with once(app, bot, event_update) as session:
        _, meeting = await access.open_meeting(session, query.from_user.id, paused_too=True)
        if meeting.id != callback_data.m:
            raise Refused("errors.stale_button")
        if callback_data.ok:
            await meetings.close(session, meeting, query.from_user.id, app.settings.data_dir,
                                 lambda record: _minutes(app, record, lang))
    await query.answer()
    await query.message.edit_reply_markup(reply_markup=None)
    key = "closing" if callback_data.ok else "continuing"
    await query.message.answer(t(render.of_kind(meeting, key), lang, number=meeting.id))


def _minutes(app: AppContext, record: meetings.MeetingRecord, lang: str) -> meetings.Minutes:
    meeting = record.meeting
    return meetings.Minutes(render_minutes(record, app.plan, lang),
                            t(render.of_kind(meeting, "minutes"), lang, number=meeting.id))


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
