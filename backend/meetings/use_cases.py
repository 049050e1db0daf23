"""Logging a meeting, as the messenger (or any other adapter) asks for it: each use case opens its
transaction (claiming the update, so a repeat changes nothing), checks who may do it, does it and
returns what the adapter needs to answer; a refusal is ``backend.errors.Refused``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from backend.context import AppContext, Claim, transaction
from backend.errors import Refused
from backend.jalali import today_local
from backend.meetings import access, service, setup
from backend.models import Finding, Meeting, Note
from backend.participants import service as participants
from backend.services import roles


@dataclass(frozen=True)
class SetupState:
    """A meeting being set up (or just opened) with what its next question needs: the facilitator's
    working groups and today in the plan's time zone."""

    meeting: Meeting
    groups: list[str]
    today: date


@dataclass(frozen=True)
class Picked(SetupState):
    """A press on a set-up question applied: ``next`` (moved on), ``toggled`` or ``listed`` (the same
    question, shown again)."""

    outcome: setup.Outcome


@dataclass(frozen=True)
class Recorded:
    """A finding just stated: a problem (no ``parent``) or one linked to the meeting's latest problem;
    ``problems``: the meeting's problems, oldest first."""

    finding: Finding
    parent: Finding | None
    problems: list[Finding]


@dataclass(frozen=True)
class Relinked:
    """A finding linked to another problem (``moved`` unless it was linked to it already)."""

    finding: Finding
    problems: list[Finding]
    moved: bool


@dataclass(frozen=True)
class LastClosed:
    """The meeting or forum someone last saw closed, and whether they facilitated it."""

    meeting: Meeting
    facilitated: bool


async def may_start(app: AppContext, user_id: int) -> None:
    """Refused unless a facilitator with no meeting open may start setting one up."""
    async with transaction(app) as session:
        await access.idle(session, user_id)


async def start_setup(
    app: AppContext, claim: Claim, user_id: int, source: str | None, *, forum: bool = False
) -> SetupState:
    """A new draft meeting (or forum) from ``source`` with its defaults; an unfinished setup is dropped.
    No ``source``: Refused as a stale button."""
    today = today_local(app.zone)
    async with transaction(app, claim) as session:
        participant = await access.idle(session, user_id)
        if source is None:
            raise Refused("errors.stale_button")
        meeting = await service.start_draft(session, app.plan, participant.id, source, today, forum=forum)
        groups = await roles.scopes(session, participant.id, "facilitator")
    return SetupState(meeting, groups, today)


async def pick(app: AppContext, claim: Claim, user_id: int, meeting_id: int, step: str, index: int) -> Picked:
    """Option ``index`` of set-up question ``step`` of draft ``meeting_id``; the source question
    (``meeting_id`` 0) starts the draft."""
    if step == "source" and meeting_id == 0:
        sources = service.meeting_sources(app.plan)
        started = await start_setup(app, claim, user_id, sources[index] if 0 <= index < len(sources) else None)
        return Picked(started.meeting, started.groups, started.today, "next")
    today = today_local(app.zone)
    async with transaction(app, claim) as session:
        participant = await access.facilitator(session, user_id)
        groups = await roles.scopes(session, participant.id, "facilitator")
        meeting = await access.draft(session, participant.id, meeting_id, step)
        outcome = setup.apply_pick(app.plan, meeting, index, groups, today)
        if outcome in ("stale", "pick_one"):
            raise Refused("errors.stale_button" if outcome == "stale" else "meetings.pick_one")
    return Picked(meeting, groups, today, outcome)


async def type_setup_answer(app: AppContext, claim: Claim, user_id: int, text: str) -> SetupState:
    """A typed answer to the current set-up question; Refused with what is expected if it is wrong."""
    today = today_local(app.zone)
    async with transaction(app, claim) as session:
        participant = await access.facilitator(session, user_id)
        meeting = await service.active(session, participant.id)
        if meeting is None or meeting.status != "draft":
            raise Refused("meetings.none_open")
        error = setup.apply_typed(meeting, text, today)
        if error is not None:
            raise Refused(error, max=service.MAX_ATTENDEES, today=today)
        groups = await roles.scopes(session, participant.id, "facilitator")
    return SetupState(meeting, groups, today)


async def record_note(app: AppContext, claim: Claim, user_id: int, kind: str, text: str | None, **file: Any) -> None:
    """One message of the facilitator's open meeting kept as a note (``file``: see ``service.add_note``)."""
    async with transaction(app, claim) as session:
        participant, meeting = await access.open_meeting(session, user_id)
        await service.add_note(session, meeting, participant.id, kind=kind, text=text, **file)


async def record_finding(app: AppContext, claim: Claim, user_id: int, kind: str, text: str) -> Recorded:
    """A problem, or a strategy, policy or project linked to the meeting's latest problem."""
    async with transaction(app, claim) as session:
        participant, meeting = await access.open_meeting(session, user_id)
        if not text:
            raise Refused("meetings.usage", command=kind)
        problems = await service.problems(session, meeting.id)
        if kind != "problem" and not problems:
            raise Refused("meetings.problem_first")
        parent = problems[-1] if kind != "problem" else None
        finding = await service.add_finding(session, meeting, participant.id, kind, text, parent=parent)
    return Recorded(finding, parent, problems)


async def set_axis(app: AppContext, claim: Claim, user_id: int, finding_id: int, index: int) -> Finding:
    """The axis (``index`` in the plan) of a problem just recorded."""
    if not 0 <= index < len(app.plan.axes):
        raise Refused("errors.stale_button")
    async with transaction(app, claim) as session:
        finding = await access.problem(session, user_id, finding_id)
        finding.axis = app.plan.axes[index].code
    return finding


async def set_severity(app: AppContext, claim: Claim, user_id: int, finding_id: int, severity: int) -> Finding:
    """The severity (1-5) of a problem: the last of its questions."""
    if severity not in service.SEVERITIES:
        raise Refused("errors.stale_button")
    async with transaction(app, claim) as session:
        finding = await access.problem(session, user_id, finding_id)
        finding.severity = severity
    return finding


async def set_parent(app: AppContext, claim: Claim, user_id: int, finding_id: int, problem_id: int) -> Relinked:
    """Link a strategy, policy or project to another problem of the same meeting."""
    async with transaction(app, claim) as session:
        participant = await access.facilitator(session, user_id)
        finding = await service.owned_finding(session, finding_id, participant.id)
        problem = await service.owned_finding(session, problem_id, participant.id)
        if (
            finding is None
            or problem is None
            or finding.kind == "problem"
            or problem.kind != "problem"
            or problem.meeting_id != finding.meeting_id
        ):
            raise Refused("errors.stale_button")
        moved = finding.parent_id != problem.id
        finding.parent_id, finding.axis = problem.id, problem.axis
        problems = await service.problems(session, finding.meeting_id)  # type: ignore[arg-type]
    return Relinked(finding, problems, moved)


async def undo(app: AppContext, claim: Claim, user_id: int) -> Note | Finding:
    """Remove the facilitator's latest note or finding of the meeting."""
    async with transaction(app, claim) as session:
        participant, meeting = await access.open_meeting(session, user_id)
        removed = await service.undo_last(session, meeting, participant.id)
    if removed is None:
        raise Refused("meetings.nothing_to_undo")
    return removed


async def edit(
    app: AppContext, claim: Claim, user_id: int, text: str, *, chat_id: int, message_id: int | None
) -> Note | Finding:
    """Correct the note logged from ``message_id``, or else the latest note or finding."""
    async with transaction(app, claim) as session:
        participant, meeting = await access.open_meeting(session, user_id)
        if not text:
            raise Refused("meetings.usage", command="edit")
        target = await service.edit(session, meeting, participant.id, text, chat_id=chat_id, message_id=message_id)
        if target is None:
            raise Refused("meetings.nothing_to_edit")
    return target


async def pause(app: AppContext, claim: Claim, user_id: int, paused: bool) -> Meeting:
    """Pause logging (messages are no longer notes) or resume it."""
    async with transaction(app, claim) as session:
        _, meeting = await access.open_meeting(session, user_id, paused_too=True)
        if (meeting.status == "paused") == paused:
            raise Refused("meetings.already_paused" if paused else "meetings.not_paused", number=meeting.id)
        service.set_paused(meeting, paused)
    return meeting


async def summary(app: AppContext, user_id: int) -> tuple[Meeting, service.Summary]:
    """The facilitator's open (or paused) meeting and what it holds, before closing it."""
    async with transaction(app) as session:
        _, meeting = await access.open_meeting(session, user_id, paused_too=True)
        return meeting, await service.summary(session, meeting)


async def close(
    app: AppContext,
    claim: Claim,
    user_id: int,
    meeting_id: int,
    confirmed: bool,
    write: Callable[[service.MeetingRecord], service.Minutes],
) -> Meeting:
    """Confirmed: close the meeting and queue its minutes (``write`` makes them) to the facilitator's
    chat, in one transaction. Not confirmed: only check it is still the meeting being logged."""
    async with transaction(app, claim) as session:
        _, meeting = await access.open_meeting(session, user_id, paused_too=True)
        if meeting.id != meeting_id:
            raise Refused("errors.stale_button")
        if confirmed:
            await service.close(session, meeting, user_id, app.settings.data_dir, write)
    return meeting


async def current(app: AppContext, user_id: int) -> Meeting | None:
    """The meeting a messenger account is setting up, logging or has paused, if any."""
    async with app.sessions() as session:
        return await service.active_of_account(session, user_id)


async def last_closed(app: AppContext, user_id: int) -> LastClosed | None:
    """The meeting or forum a messenger account last saw closed, if any."""
    async with app.sessions() as session:
        meeting = await service.last_closed_of_account(session, user_id)
        if meeting is None:
            return None
        participant = await participants.by_messenger_id(session, user_id)
    return LastClosed(meeting, participant is not None and meeting.facilitator_id == participant.id)


async def due_reminders(app: AppContext, now: datetime) -> list[service.Reminder]:
    """Meetings left open too long, marked reminded in the same transaction (each is reminded once)."""
    async with transaction(app) as session:
        return await service.remind_due(session, now)
