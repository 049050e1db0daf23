"""A plan file in another time zone, with no MEYDAN_TIMEZONE: a meeting's date, a forum's, the
digest's week and the scheduler all read the clock in the plan's zone (one rule, backend.plan.plan_zone).

The clock stands at Friday 2026-12-04 21:00 UTC: 22:00 on Friday in Berlin, but already 00:30 on
Saturday, the first day of the next Jalali week, in Tehran.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

import backend.jalali
from backend.digest.period import week_of
from backend.models import Meeting
from backend.plan import BUNDLED_PLAN
from bot.digest.schedule import jobs, weekly_digest
from bot.runner import running_bot
from bot.scheduling.registry import JobContext
from tests.e2e.test_meetings import database, facilitator

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 12, 4, 21, 0, tzinfo=UTC)
BERLIN_DAY = date(2026, 12, 4)  # Friday in Berlin; Saturday 2026-12-05 in Tehran


def berlin_plan(folder: Path) -> Path:
    """The bundled plan, read in Europe/Berlin."""
    text = BUNDLED_PLAN.read_text(encoding="utf-8")
    assert "timezone: Asia/Tehran" in text
    path = folder / "plan-berlin.yaml"
    path.write_text(text.replace("timezone: Asia/Tehran", "timezone: Europe/Berlin"), encoding="utf-8")
    return path


async def test_meetings_forums_the_digest_and_the_scheduler_share_the_plans_zone(
    emulator,
    settings_for,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,  # type: ignore[no-untyped-def]
) -> None:
    monkeypatch.delenv("MEYDAN_TIMEZONE", raising=False)
    monkeypatch.setattr(backend.jalali, "utcnow", lambda: NOW)
    settings = settings_for(plan_file=berlin_plan(tmp_path))
    async with running_bot(settings) as dp:
        app = dp["app"]
        assert app.zone == BERLIN
        host = await facilitator(emulator, settings, 7101)
        await host.send("/forum")
        await host.wait_for_message(contains="کدام کارگروه")
        interviewer = await facilitator(emulator, settings, 7102)
        await interviewer.send("/meeting")
        await interviewer.wait_for_message(contains="منبع اطلاعاتی")
        await interviewer.press("مصاحبه با نخبگان شهری و موضوعی")
        await interviewer.wait_for_message(contains="کدام کارگروه")
        async with database(settings) as sessions, sessions() as session:
            held = dict((await session.execute(select(Meeting.kind, Meeting.held_on))).all())
        assert held == {"forum": BERLIN_DAY, "meeting": BERLIN_DAY}

        (job,) = jobs(app)
        assert job.trigger.timezone == BERLIN
        fired = job.trigger.get_next_fire_time(None, datetime(2026, 12, 4, 12, 0, tzinfo=UTC))
        assert fired == datetime(2026, 12, 4, 18, 0, tzinfo=BERLIN)  # Friday 18:00 in Berlin, not in Tehran

        sent = await weekly_digest(JobContext(bot=None, app=app, fired_at=NOW))  # type: ignore[arg-type]
        week = week_of(BERLIN_DAY, BERLIN)
        assert week.first <= BERLIN_DAY <= week.last
        assert sent.files["fa"].html.name.startswith(f"digest-{week.week[0]}-W{week.week[1]:02d}-")
