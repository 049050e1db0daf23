"""Meetings a facilitator logs (interviews, sessions, NGO forums): setup, notes, findings, closing.

The conversation state is the meeting row itself: ``status`` (draft, open, paused, closed) and,
while it is being set up, ``setup_step``. Nothing here depends on a state store, so a restart
or a flushed Redis picks up exactly where the facilitator was.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from sqlalchemy import ColumnElement, ScalarSelect, Select, String, and_, cast, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.models import Finding, Meeting, Note, OutboxMessage, Participant, Role, utcnow
from backend.plan import Plan
from backend.services import outbox, roles
from backend.services.findings import record_finding
from backend.text import normalize_persian

FORUM_SOURCE = "civil_society_forum"
FORUM_GROUP = "civil_society"
POLL_SOURCE = "citizen_poll"
ACTIVE = ("draft", "open", "paused")
LOGGING = ("open", "paused")
# The questions of /meeting after the source, in order; the last three are answered by typing.
SETUP_STEPS = ("working_group", "axes", "date", "district", "groups", "attendees", "organizations")
TYPED_STEPS = ("date", "attendees", "organizations")
MAX_ATTENDEES = 100_000
SEVERITIES = range(1, 6)  # a problem's severity, least to most
STALE_AFTER = timedelta(hours=12)
# Who a source usually brings to the table; the facilitator can change it during setup.
SOURCE_GROUPS = {
    "council_interview": "city_council",
    "neighborhood_council": "citizens",
    "elite_interview": "elites",
    "agency_interview": "executive_agencies",
    "civil_society_forum": FORUM_GROUP,
    "organizational_trends": "municipality_staff",
    "suggestion_events": "municipality_staff",
    "upstream_documents": "municipality_staff",
}


@dataclass(frozen=True)
class Summary:
    """What /close shows: notes and findings by kind, attendees."""

    notes: dict[str, int]
    findings: dict[str, int]
    attendees: int | None


@dataclass(frozen=True)
class MeetingRecord:
    """A meeting with its live notes and findings, oldest first (the minutes are made of it)."""

    meeting: Meeting
    notes: list[Note]
    findings: list[Finding]


@dataclass(frozen=True)
class Reminder:
    """A meeting left open too long, and whom to remind in which language."""

    meeting: Meeting
    telegram_id: int
    language: str


def meeting_sources(plan: Plan) -> list[str]:
    """The source codes a facilitator can log a meeting under (all but the citizen polls)."""
    return [s.code for s in plan.sources if s.code != POLL_SOURCE]


# --- setup ---------------------------------------------------------------------------------------


Who = int | ScalarSelect[int] | ColumnElement[int]  # a participant id, ``account_id(messenger_id)``, or a column


def account_id(messenger_id: int) -> ScalarSelect[int]:
    """The id of a messenger account's participant, as a subquery."""
    return select(Participant.id).where(Participant.telegram_id == messenger_id).scalar_subquery()


def facilitating(who: Who) -> ColumnElement[bool]:
    """The meetings ``who`` sets up, runs or has paused (at most one)."""
    return and_(Meeting.facilitator_id == who, Meeting.status.in_(ACTIVE))


def _active(who: Who) -> Select[Meeting]:
    return select(Meeting).where(facilitating(who)).order_by(Meeting.id.desc()).limit(1)


async def active(session: AsyncSession, participant_id: int) -> Meeting | None:
    """The facilitator's meeting being set up, open or paused (at most one), if any."""
    return await session.scalar(_active(participant_id))


async def active_of_account(session: AsyncSession, messenger_id: int) -> Meeting | None:
    """``active`` for the participant of a messenger account, in one query (checked on every typed message)."""
    return await session.scalar(_active(account_id(messenger_id)))


async def start_draft(
    session: AsyncSession, plan: Plan, facilitator_id: int, source: str, today: date, *, forum: bool = False
) -> Meeting:
    """A new meeting in setup with the defaults filled in: the facilitator's first working group, its
    axis and district, today, the stakeholder group the source usually brings. A previous unfinished
    setup is dropped; the caller has checked there is no open or paused meeting."""
    old = await active(session, facilitator_id)
    if old is not None and old.status == "draft":
        await session.delete(old)
    groups = await roles.scopes(session, facilitator_id, "facilitator")
    meeting = Meeting(
        kind="forum" if forum else "meeting",
        source=source,
        working_group=groups[0],
        held_on=today,
        facilitator_id=facilitator_id,
        status="draft",
        setup_step=SETUP_STEPS[0],
    )
    apply_working_group(plan, meeting, groups[0])
    default_group = SOURCE_GROUPS.get(source)
    meeting.stakeholder_groups = [default_group] if plan.get("stakeholder_group", default_group or "") else []
    session.add(meeting)
    await session.flush()
    return meeting


def apply_working_group(plan: Plan, meeting: Meeting, code: str) -> None:
    """Set the working group, and with it the default axis and (for a district group) district."""
    group = plan.get("working_group", code)
    meeting.working_group = code
    meeting.axes = [group.axis]  # type: ignore[union-attr]
    meeting.district = group.unit if group.level == "district" else None  # type: ignore[union-attr]


def toggle(values: list[str], code: str) -> list[str]:
    """A new list with ``code`` added or removed (JSON columns need a new list to see the change)."""
    return [v for v in values if v != code] if code in values else [*values, code]


def advance(meeting: Meeting) -> None:
    """Go to the next setup question; after the last one the meeting is open."""
    following = SETUP_STEPS.index(meeting.setup_step) + 1  # type: ignore[arg-type]
    if following < len(SETUP_STEPS):
        meeting.setup_step = SETUP_STEPS[following]
    else:
        meeting.setup_step, meeting.status = None, "open"


def set_organizations(meeting: Meeting, text: str | None) -> None:
    """The organizations present, as typed (None: skipped)."""
    meeting.organizations = text.strip() if text and text.strip() else None


# --- notes and findings --------------------------------------------------------------------------


async def add_note(
    session: AsyncSession, meeting: Meeting, participant_id: int, *, kind: str, text: str | None = None, **file: object
) -> Note:
    """Log one message of the meeting; ``file`` carries file_id, file_unique_id, file_name, mime_type,
    file_size, chat_id and message_id. Typed text is kept with its normalized form."""
    note = Note(
        meeting_id=meeting.id,
        participant_id=participant_id,
        kind=kind,
        text=text,
        normalized_text=normalize_persian(text) if text else None,
        logged_at=utcnow(),
        **file,
    )
    session.add(note)
    await session.flush()
    return note


async def add_finding(
    session: AsyncSession, meeting: Meeting, participant_id: int, kind: str, text: str, *, parent: Finding | None = None
) -> Finding:
    """A finding stated in the meeting, with the meeting's working group, district and first group;
    a problem takes the meeting's axis if it has only one, the others their problem's axis."""
    axis = parent.axis if parent is not None else (meeting.axes[0] if len(meeting.axes) == 1 else None)
    return await record_finding(
        session,
        kind=kind,
        text=text,
        source=meeting.source,
        working_group=meeting.working_group,
        axis=axis,
        district=meeting.district,
        stakeholder_group=(meeting.stakeholder_groups or [None])[0],
        participant_id=participant_id,
        meeting_id=meeting.id,
        parent_id=parent.id if parent else None,
    )


async def problems(session: AsyncSession, meeting_id: int) -> list[Finding]:
    """The meeting's problems still standing, oldest first."""
    return list(
        (
            await session.scalars(
                select(Finding)
                .where(Finding.meeting_id == meeting_id, Finding.kind == "problem", Finding.deleted_at.is_(None))
                .order_by(Finding.id)
            )
        ).all()
    )


async def owned_finding(session: AsyncSession, finding_id: int, facilitator_id: int) -> Finding | None:
    """A live finding of a meeting this facilitator is logging (open or paused), else None."""
    return await session.scalar(
        select(Finding)
        .join(Meeting, Finding.meeting_id == Meeting.id)
        .where(
            Finding.id == finding_id,
            Finding.deleted_at.is_(None),
            Meeting.facilitator_id == facilitator_id,
            Meeting.status.in_(LOGGING),
        )
    )


async def _last(session: AsyncSession, meeting: Meeting, participant_id: int) -> Note | Finding | None:
    note = await session.scalar(
        select(Note)
        .where(Note.meeting_id == meeting.id, Note.participant_id == participant_id, Note.deleted_at.is_(None))
        .order_by(Note.logged_at.desc(), Note.id.desc())
        .limit(1)
    )
    finding = await session.scalar(
        select(Finding)
        .where(Finding.meeting_id == meeting.id, Finding.participant_id == participant_id, Finding.deleted_at.is_(None))
        .order_by(Finding.created_at.desc(), Finding.id.desc())
        .limit(1)
    )
    if note is None or finding is None:
        return note or finding
    return note if note.logged_at >= finding.created_at else finding


async def undo_last(session: AsyncSession, meeting: Meeting, participant_id: int) -> Note | Finding | None:
    """Remove (mark deleted) the participant's latest note or finding of the meeting; None if none is left."""
    last = await _last(session, meeting, participant_id)
    if last is not None:
        last.deleted_at = utcnow()
    return last


async def edit(
    session: AsyncSession,
    meeting: Meeting,
    participant_id: int,
    text: str,
    *,
    chat_id: int | None = None,
    message_id: int | None = None,
) -> Note | Finding | None:
    """Correct the text of the note logged from message ``message_id``, or else of the latest note
    or finding; None if there is nothing (textual) to correct."""
    target: Note | Finding | None
    if message_id is not None:
        target = await session.scalar(
            select(Note).where(
                Note.meeting_id == meeting.id,
                Note.chat_id == chat_id,
                Note.message_id == message_id,
                Note.deleted_at.is_(None),
            )
        )
    else:
        target = await _last(session, meeting, participant_id)
    if target is None or (isinstance(target, Note) and target.kind != "text" and not target.text):
        return None
    target.text, target.normalized_text = text, normalize_persian(text)
    return target


# --- pausing, closing, reminding -----------------------------------------------------------------


def set_paused(meeting: Meeting, paused: bool) -> None:
    """Pause logging (messages are no longer notes) or resume it."""
    meeting.status = "paused" if paused else "open"


async def summary(session: AsyncSession, meeting: Meeting) -> Summary:
    """Live notes and findings of the meeting counted by kind."""
    notes = dict(
        (
            await session.execute(
                select(Note.kind, func.count())
                .where(Note.meeting_id == meeting.id, Note.deleted_at.is_(None))
                .group_by(Note.kind)
            )
        ).all()
    )
    findings = dict(
        (
            await session.execute(
                select(Finding.kind, func.count())
                .where(Finding.meeting_id == meeting.id, Finding.deleted_at.is_(None))
                .group_by(Finding.kind)
            )
        ).all()
    )
    return Summary(notes, findings, meeting.attendees)


@dataclass(frozen=True)
class Minutes:
    """A meeting's minutes as sent: the HTML page and the caption of the document."""

    html: str
    caption: str


async def close(
    session: AsyncSession,
    meeting: Meeting,
    chat_id: int,
    directory: Path,
    write: Callable[[MeetingRecord], Minutes],
    now: datetime | None = None,
) -> OutboxMessage:
    """Close the meeting and queue its minutes (``write`` makes them) as a document to ``chat_id``, in
    the caller's transaction: the minutes are kept under ``directory`` and sent, and retried, by the
    outbox; a meeting is never closed without them, and they are queued once."""
    meeting.status, meeting.closed_at = "closed", now or utcnow()
    minutes = write(await record(session, meeting))
    document = outbox.store_file(directory, minutes.html.encode("utf-8"), f"minutes-{meeting.id}.html")
    return await outbox.enqueue(
        session,
        key=f"minutes:{meeting.id}",
        chat_id=chat_id,
        method="sendDocument",
        payload={"document": document, "caption": minutes.caption},
    )


async def record(session: AsyncSession, meeting: Meeting) -> MeetingRecord:
    """The meeting with its live notes and findings."""
    notes = (
        await session.scalars(
            select(Note).where(Note.meeting_id == meeting.id, Note.deleted_at.is_(None)).order_by(Note.id)
        )
    ).all()
    findings = (
        await session.scalars(
            select(Finding).where(Finding.meeting_id == meeting.id, Finding.deleted_at.is_(None)).order_by(Finding.id)
        )
    ).all()
    return MeetingRecord(meeting, list(notes), list(findings))


async def last_closed_of_account(session: AsyncSession, messenger_id: int) -> Meeting | None:
    """The meeting or forum a messenger account's participant last saw closed, as its facilitator or as
    an NGO seated in it; None if there is none."""
    who = account_id(messenger_id)
    seats = select(Role.scope).where(Role.participant_id == who, Role.role == "ngo")
    return await session.scalar(
        select(Meeting)
        .where(Meeting.status == "closed", (Meeting.facilitator_id == who) | cast(Meeting.id, String).in_(seats))
        .order_by(Meeting.closed_at.desc(), Meeting.id.desc())
        .limit(1)
    )


async def remind_due(session: AsyncSession, now: datetime, after: timedelta = STALE_AFTER) -> list[Reminder]:
    """Meetings open (or paused) for longer than ``after`` and not yet reminded; they are marked
    reminded, so each is reminded once. Nothing is closed."""
    rows = (
        await session.execute(
            select(Meeting, Participant.telegram_id, Participant.language)
            .join(Participant, Meeting.facilitator_id == Participant.id)
            .where(
                Meeting.status.in_(LOGGING),
                Meeting.reminded_at.is_(None),
                Meeting.created_at <= now - after,
                Participant.telegram_id.is_not(None),
            )
            .order_by(Meeting.id)
        )
    ).all()
    for meeting, _, _ in rows:
        meeting.reminded_at = now
    return [
        Reminder(meeting, telegram_id, language) for meeting, telegram_id, language in rows if telegram_id is not None
    ]  # the query keeps only these; the check tells the type checker
