"""The weekly digest job: the members of the bodies that receive it get a summary, the HTML and
the XLSX through the outbox and the emulator, once per week even with two bot processes."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import update
from sqlalchemy.engine import URL

from backend import migrate
from backend.db import transaction
from backend.models import Participant, Role
from backend.participants import service as participants
from bot.digest.schedule import jobs
from bot.outbox import OutboxSender
from bot.scheduling.registry import collect_jobs
from sandbox.bench.broadcast import emulator_bot, open_chats
from sandbox.emulator import running_emulator
from tests.digest.conftest import build_fixture
from tests.outbox.conftest import TOKEN, AppFactory
from tests.outbox.test_scheduler import CountingScheduler
from tests.outbox.test_sender import FAST

TEHRAN = ZoneInfo("Asia/Tehran")
FRIDAY_1800 = datetime(2024, 5, 17, 18, 0, tzinfo=TEHRAN)  # the end of week 1403-W08
SUBSCRIBED = {101: "fa", 102: "en", 103: "fa", 201: "fa", 202: "fa"}  # drafting committee and commission
CITY_COUNCIL_MEMBER = 401  # the city council does not receive the digest


@pytest.mark.slow  # builds the digest (charts, workbook) and sends it
async def test_the_digest_reaches_subscribed_members_once_a_week(make_app: AppFactory, database_url: URL) -> None:
    apps = [make_app(database_url) for _ in range(2)]  # two bot processes
    await migrate.upgrade(apps[0].engine)
    async with transaction(apps[0].sessions) as session:
        await build_fixture(session, apps[0].plan)
        council = await participants.join(session, b"k", CITY_COUNCIL_MEMBER, "fa")
        session.add(Role(participant_id=council.id, role="member", scope="city_council"))
        await session.execute(update(Participant).where(Participant.telegram_id == 102).values(language="en"))
    [job] = jobs(apps[0])
    assert job.id in {j.id for j in collect_jobs(apps[0])}
    assert job.trigger.get_next_fire_time(None, FRIDAY_1800 - timedelta(days=3)) == FRIDAY_1800  # type: ignore[attr-defined]

    async with running_emulator(flood_limits=True, **FAST) as emulator:
        open_chats(emulator, TOKEN, [*SUBSCRIBED, CITY_COUNCIL_MEMBER])
        bot = emulator_bot(emulator, TOKEN)
        try:
            schedulers = [CountingScheduler(bot, app, [job], owner=f"p{n}") for n, app in enumerate(apps)]
            ran = await asyncio.gather(*(s.fire(job, FRIDAY_1800) for s in schedulers))
            assert sorted(ran) == [False, True]  # one process built and queued the digest
            again = await schedulers[1].fire(job, FRIDAY_1800 + timedelta(hours=2))  # a catch-up of the same week
            assert again
            report = await OutboxSender(bot, apps[0].sessions).drain(timeout=60)
            assert report.sent == 3 * len(SUBSCRIBED) and report.failed == 0
            for chat, lang in SUBSCRIBED.items():
                summary, page, workbook = await emulator.user(TOKEN, chat).messages()
                assert ("Weekly participation digest" if lang == "en" else "گزارش هفتگی مشارکت") in summary["text"]
                assert ("1403-W08" if lang == "en" else "هفتهٔ ۸ سال ۱۴۰۳") in summary["text"]
                assert (
                    "Completed survey responses: 3 (+2 on last week)"
                    if lang == "en"
                    else "پاسخ‌نامه‌های کامل: ۳ (+۲ نسبت به هفتهٔ پیش)"
                ) in summary["text"]  # HTML parsed
                assert ("1." if lang == "en" else "۱.") + " ترافیک میدان شهدا" in summary["text"]
                assert page["document"]["file_name"] == f"digest-1403-W08-{lang}.html"
                assert workbook["document"]["file_name"] == f"digest-1403-W08-{lang}.xlsx"
            assert await emulator.user(TOKEN, CITY_COUNCIL_MEMBER).messages() == []
        finally:
            await bot.session.close()
