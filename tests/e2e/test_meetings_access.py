"""Who may log meetings, invites that cannot be used, a restart mid-meeting, and the 12-hour reminder."""

from __future__ import annotations

from datetime import timedelta

from redis.asyncio import Redis
from sqlalchemy import func, select

from backend.models import Finding, Meeting, Note, Participant, Role, utcnow
from backend.plan import load_plan
from backend.services import invites
from bot.app import create_bot, open_app
from bot.meetings.reminders import remind_stale_meetings
from bot.runner import running_bot
from tests.e2e.citizens import consent
from tests.e2e.conftest import TOKEN
from tests.e2e.test_meetings import database, facilitator, set_up

REFUSAL = "ویژه تسهیل‌گران"


async def _count(settings, model) -> int:  # type: ignore[no-untyped-def]
    async with database(settings) as sessions, sessions() as session:
        return await session.scalar(select(func.count()).select_from(model)) or 0


async def test_a_citizen_is_refused_facilitator_commands_and_nothing_is_written(settings_for, emulator, stack) -> None:  # type: ignore[no-untyped-def]
    settings = settings_for()
    async with running_bot(settings):
        citizen = emulator.user(TOKEN, user_id=7201, first_name="سارا", language_code="fa")
        await consent(citizen)
        for command in ("/meeting", "/forum", "/problem ترافیک", "/undo", "/close", "/invite facilitator hq.transport"):
            await citizen.send(command)
            refusal = await citizen.wait_for_message()
            assert REFUSAL in refusal["text"] or "فقط برای مدیران" in refusal["text"], (command, refusal["text"])
        await citizen.press(data="mk:0:source:0", force=True)  # a forged "elite interview" press
        answer = await citizen.wait_for_answer()
        assert answer["show_alert"] and REFUSAL in answer["text"]
        await citizen.send("ترافیک بلوار وکیل‌آباد")  # plain text still goes to the survey flow
        assert "پرسشنامه" in (await citizen.wait_for_message())["text"]
    for model in (Meeting, Note, Finding, Role):
        assert await _count(settings, model) == 0


async def test_expired_reused_and_unknown_invites_write_nothing(settings_for, emulator, stack) -> None:  # type: ignore[no-untyped-def]
    settings = settings_for(admin_ids="7300")
    async with database(settings) as sessions, sessions() as session, session.begin():
        plan = load_plan()
        fresh = await invites.create(session, settings.secret(), plan, "facilitator", "d05.economy")
        expired = await invites.create(
            session, settings.secret(), plan, "facilitator", "d05.economy", now=utcnow() - timedelta(days=8)
        )
    async with running_bot(settings):
        first, second, late, guesser = (
            emulator.user(TOKEN, user_id=uid, language_code="fa") for uid in (7301, 7302, 7303, 7304)
        )
        await first.start(f"i_{fresh}")
        assert "منطقه ۵ (اقتصاد و مالیه شهری)" in (await first.wait_for_message(contains="تسهیل‌گر"))["text"]
        await second.start(f"i_{fresh}")
        await second.wait_for_message(contains="پیش‌تر به کار رفته")
        await late.start(f"i_{expired}")
        await late.wait_for_message(contains="مهلت این پیوند")
        await guesser.start("i_not-a-real-token")
        await guesser.wait_for_message(contains="معتبر نیست")

        admin = emulator.user(TOKEN, user_id=7300, language_code="fa")
        await admin.send("/invite facilitator no.such.group")
        await admin.wait_for_message(contains="کارگروهی با کد «no.such.group» در برنامه نیست")
        await admin.send("/invite facilitator hq.economy 3")
        created = await admin.wait_for_message(contains="۳ روز اعتبار")
        assert "https://t.me/meydan_test_bot?start=i_" in created["text"]

    async with database(settings) as sessions, sessions() as session:
        holders = (await session.execute(select(Participant.telegram_id, Role.scope).join(Role))).all()
        assert holders == [(7301, "d05.economy")]
        assert set((await session.scalars(select(Participant.telegram_id))).all()) == {7301}


async def test_an_open_meeting_survives_a_restart_and_a_flushed_state_store(settings_for, emulator, stack) -> None:  # type: ignore[no-untyped-def]
    settings = settings_for()
    async with running_bot(settings):
        user = await facilitator(emulator, settings, 7401)
        await set_up(user)
    if stack.redis_url:
        async with Redis.from_url(stack.redis_url) as redis:
            await redis.flushdb()
    async with running_bot(settings):
        await user.send("یادداشت پس از راه‌اندازی دوباره")
        await user.wait_for_message(contains="یادداشت ثبت شد")
        await user.send("/pause")
        await user.wait_for_message(contains="متوقف شد")
        await user.send("این پیام در توقف است")
        await user.wait_for_message(contains="متوقف است")
        await user.send("/resume")
        await user.wait_for_message(contains="ادامه یافت")
    async with database(settings) as sessions, sessions() as session:
        notes = (await session.scalars(select(Note.text))).all()
        assert notes == ["یادداشت پس از راه‌اندازی دوباره"]
        assert (await session.scalar(select(Meeting))).status == "open"


async def test_a_meeting_open_for_twelve_hours_is_reminded_once_and_not_closed(settings_for, emulator, stack) -> None:  # type: ignore[no-untyped-def]
    settings = settings_for()
    async with running_bot(settings):
        user = await facilitator(emulator, settings, 7501)
        await set_up(user)
    bot = create_bot(settings)
    try:
        async with open_app(settings) as (app, _):
            assert await remind_stale_meetings(bot, app, now=utcnow() + timedelta(hours=11)) == 0
            assert await remind_stale_meetings(bot, app, now=utcnow() + timedelta(hours=13)) == 1
            assert await remind_stale_meetings(bot, app, now=utcnow() + timedelta(hours=26)) == 0
    finally:
        await bot.session.close()
    reminder = await user.wait_for_message(contains="یادآوری")
    assert "جلسه شماره ۱" in reminder["text"] and "/close" in reminder["text"]
    async with database(settings) as sessions, sessions() as session:
        meeting = await session.scalar(select(Meeting))
        assert meeting.status == "open" and meeting.reminded_at is not None
