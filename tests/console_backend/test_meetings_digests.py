"""Meetings for the console (a facilitator sees only their working group's) and the digest archive."""

from __future__ import annotations

from datetime import date

import pytest

from backend.console import digests, meetings
from backend.context import AppContext, transaction
from backend.errors import Refused
from backend.meetings import service
from backend.models import Meeting
from backend.participants import service as participants
from tests.console_backend.conftest import ADMIN, MEMBER, facilitator


async def a_meeting(app: AppContext, group: str, held_on: date, *, kind: str = "meeting", status: str = "open") -> int:
    async with transaction(app) as session:
        facilitator = await participants.join(session, app.secret, 700 + held_on.day, "fa")
        meeting = Meeting(kind=kind, source="elite_interview", held_on=held_on, status=status)
        service.apply_working_group(app.plan, meeting, group)
        session.add(meeting)
        await session.flush()
        await service.add_note(session, meeting, facilitator.id, kind="text", text="<b>یادداشت</b>")
        await service.add_finding(session, meeting, facilitator.id, "problem", "ترافیک میدان شهدا")
        await service.add_finding(session, meeting, facilitator.id, "problem", "پارکینگ کم است")
        return meeting.id


async def test_facilitators_see_only_their_groups_meetings(app: AppContext) -> None:
    transport = await a_meeting(app, "hq.transport", date(2026, 3, 1))
    forum = await a_meeting(app, "hq.transport", date(2026, 3, 3), kind="forum")
    other = await a_meeting(app, "d01.transport", date(2026, 3, 2))
    await a_meeting(app, "hq.transport", date(2026, 3, 4), status="draft")  # still being set up: not listed
    every = await meetings.meetings(app, ADMIN)
    assert [line.meeting.id for line in every] == [forum, other, transport]
    assert (every[0].notes, every[0].findings) == (1, 2)
    assert [line.meeting.id for line in await meetings.meetings(app, facilitator("hq.transport"))] == [forum, transport]
    assert [line.meeting.id for line in await meetings.meetings(app, ADMIN, kind="forum")] == [forum]
    record = await meetings.meeting_record(app, facilitator("hq.transport"), transport)
    assert [n.text for n in record.notes] == ["<b>یادداشت</b>"] and len(record.findings) == 2
    with pytest.raises(Refused) as refused:
        await meetings.meeting_record(app, facilitator("hq.transport"), other)
    assert refused.value.key == "meetings.unknown"
    with pytest.raises(Refused) as member:
        await meetings.meetings(app, MEMBER)
    assert member.value.key == "meetings.facilitators_only"
    assert [line.meeting.id for line in await meetings.open_forums(app, ADMIN)] == [forum]


async def test_the_archive_lists_every_week_since_the_firsta_meeting(app: AppContext) -> None:
    today = date(2026, 3, 24)
    assert [p.first for p in await digests.weeks(app, MEMBER, today)] == [date(2026, 3, 21)]
    await a_meeting(app, "hq.transport", date(2026, 3, 1))
    weeks = await digests.weeks(app, MEMBER, today)
    assert [p.first for p in weeks] == [date(2026, 3, 21), date(2026, 3, 14), date(2026, 3, 7), date(2026, 2, 28)]
    assert all(p.week is not None for p in weeks)
    digest = await digests.build(app, MEMBER, weeks[-1])
    assert int(digest.participation.totals.loc["meetings", "current"]) == 1


def test_a_span_of_days_is_read_in_any_digits(app: AppContext) -> None:
    period = digests.span("۱۴۰۵/۰۱/۰۱", "1405-01-10", app)
    assert (period.first, period.last, period.days) == (date(2026, 3, 21), date(2026, 3, 30), 10)
    for first, last, key in (
        ("1405/13/01", "1405/01/10", "digests.span.date"),
        ("1405/01/10", "1405/01/01", "digests.span.order"),
        ("1403/01/01", "1405/01/01", "digests.span.long"),
    ):
        with pytest.raises(Refused) as refused:
            digests.span(first, last, app)
        assert refused.value.key == key
