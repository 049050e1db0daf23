"""The demo's facilitators log their four meetings through the emulator and the real bot."""

from __future__ import annotations

import io

from rich.console import Console
from rich.progress import Progress
from sqlalchemy import select

from backend.context import AppContext
from backend.db import create_engine, session_factory
from backend.models import Finding, Meeting, Note, Role
from backend.plan import load_plan
from bot.runner import running_bot
from sandbox.demo_meetings import load_scripts, log_meetings
from tests.e2e.conftest import TOKEN


async def test_facilitators_log_four_meetings_of_four_sources(settings_for, emulator, stack) -> None:  # type: ignore[no-untyped-def]
    settings = settings_for()
    engine = create_engine(stack.database_url)
    app = AppContext(settings=settings, plan=load_plan(), engine=engine, sessions=session_factory(engine))
    scripts = {s.meeting.source: s for s in load_scripts(app.plan)}
    progress = Progress(console=Console(file=io.StringIO()))
    try:
        async with running_bot(settings):
            logged = await log_meetings(emulator, TOKEN, app, progress)
        async with app.sessions() as session:
            meetings = (await session.scalars(select(Meeting).order_by(Meeting.id))).all()
            findings = (await session.scalars(select(Finding).where(Finding.deleted_at.is_(None)))).all()
            notes = (await session.scalars(select(Note))).all()
            roles = (await session.scalars(select(Role))).all()
    finally:
        await engine.dispose()

    assert (
        {m.source for m in meetings}
        == set(scripts)
        == {"elite_interview", "council_interview", "neighborhood_council", "civil_society_forum"}
    )
    assert all(m.status == "closed" and m.closed_at is not None for m in meetings)
    assert (logged.facilitators, logged.meetings) == (4, 4)
    assert (
        logged.notes
        == sum(len(s.meeting.notes) for s in scripts.values())
        == len([n for n in notes if n.deleted_at is None])
    )
    feedback = [f for f in findings if f.stakeholder_group == "civil_society" and f.organization]
    assert logged.feedback == len(feedback) == 6 and logged.findings == len(findings) - len(feedback)
    assert all(task.finished for task in progress.tasks) and len(progress.tasks) == 4

    for meeting in meetings:
        script = scripts[meeting.source].meeting
        assert (meeting.working_group, meeting.district, meeting.attendees) == (
            script.working_group,
            script.district,
            script.attendees,
        )
        assert set(meeting.axes) == set(script.axes) and set(meeting.stakeholder_groups) == set(script.groups)
        assert meeting.kind == ("forum" if meeting.source == "civil_society_forum" else "meeting")
        live = sorted(n.text for n in notes if n.meeting_id == meeting.id and n.deleted_at is None)
        assert live == sorted(script.notes)
        undone = [n.text for n in notes if n.meeting_id == meeting.id and n.deleted_at is not None]
        assert undone == ([script.mistake] if script.mistake else [])
        own = sorted((f for f in findings if f.meeting_id == meeting.id and f not in feedback), key=lambda f: f.id)
        assert [(f.kind, f.text) for f in own] == [(s.kind, s.text) for s in script.findings]
        problems = [f for f in own if f.kind == "problem"]
        for finding, statement in zip(own, script.findings, strict=True):
            assert finding.source == meeting.source and finding.working_group == meeting.working_group
            if statement.kind == "problem":
                assert (finding.axis, finding.severity) == (statement.axis, statement.severity)
            else:  # linked to the problem it answers, on that problem's axis
                parent = problems[(statement.problem or len([p for p in problems if p.id < finding.id])) - 1]
                assert (finding.parent_id, finding.axis) == (parent.id, parent.axis)

    forum = next(m for m in meetings if m.kind == "forum")
    ngos = scripts["civil_society_forum"].meeting.ngos
    assert sorted((f.organization, f.text) for f in feedback) == sorted(
        (ngo.organization, text) for ngo in ngos for text in ngo.feedback
    )
    assert all(f.meeting_id == forum.id and f.axis == "urban_development" for f in feedback)
    assert sorted(r.scope for r in roles if r.role == "ngo") == [str(forum.id)] * 3
    assert sorted(r.scope for r in roles if r.role == "facilitator") == sorted(
        group for s in scripts.values() for group in s.working_groups
    )

    minutes = {path.name: path for path in logged.minutes}
    assert set(minutes) == {f"minutes-{m.id}.html" for m in meetings}
    for meeting in meetings:  # the documents the bot sent, as the facilitators saved them
        path = minutes[f"minutes-{meeting.id}.html"]
        page = path.read_text(encoding="utf-8")
        assert path.parent == settings.data_dir / "minutes" and 'dir="rtl"' in page
        assert all(s.text in page for s in scripts[meeting.source].meeting.findings)
