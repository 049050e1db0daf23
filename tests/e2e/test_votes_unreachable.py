"""Members who blocked the bot: an agenda skips them and the admins are told who was skipped (in
their language); reminders and results skip them too until they write to the bot again.

The outbox's sender in the running bot marks a member unreachable the first time a push meets their
block, as in production; the scheduled jobs' functions are called with the test's firing times.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from backend.context import AppContext
from backend.db import create_engine, session_factory
from backend.integration import problems
from backend.models import OutboxMessage, Participant
from backend.plan import load_plan
from backend.services import invites, outbox
from backend.services.findings import record_finding
from bot.app import create_bot
from bot.runner import running_bot
from bot.scheduling.registry import JobContext
from bot.voting.agendas import open_next_agenda
from bot.voting.schedule import deadlines, reminders
from tests.e2e.conftest import TOKEN

BODY = "drafting_committee"
PUSHED = 20.0  # seconds to wait for a push: the sender sends one message a second to each chat
ADMIN_FA, ADMIN_EN = 9291, 9292  # the Persian admin never joined (default language); the English one chose English


async def _forbidden(emulator) -> int:  # type: ignore[no-untyped-def]
    """How many sends the emulator refused because the user blocked the bot."""
    return len([c for c in await emulator.control(TOKEN).calls("sendMessage") if c["status"] == 403])


async def test_an_agenda_skips_members_who_blocked_the_bot_and_tells_the_admins(  # type: ignore[no-untyped-def]
    settings_for, emulator, stack
) -> None:
    settings = settings_for(admin_ids=[ADMIN_FA, ADMIN_EN])
    engine = create_engine(stack.database_url)
    sessions = session_factory(engine)
    app = AppContext(settings=settings, plan=load_plan(), engine=engine, sessions=sessions)
    bot = create_bot(settings)
    try:
        async with running_bot(settings):
            async with sessions() as session, session.begin():
                for source in ("elite_interview", "citizen_poll"):
                    await record_finding(
                        session,
                        kind="problem",
                        text="ترافیک سنگین در بلوار وکیل‌آباد",
                        source=source,
                        axis="transport",
                        stakeholder_group="citizens",
                        severity=4,
                    )
                await problems.integrate(session)
                links = [
                    await invites.create(session, app.secret, app.plan, "member", body)
                    for body in (BODY, BODY, BODY, "city_council")
                ]
            admin_fa = emulator.user(TOKEN, user_id=ADMIN_FA, first_name="مدیر", language_code="fa")
            await admin_fa.send("/help")
            await admin_fa.wait_for_message()
            admin_en = emulator.user(TOKEN, user_id=ADMIN_EN, first_name="Admin", language_code="en")
            members = [
                emulator.user(TOKEN, user_id=uid, first_name=name, language_code="fa")
                for uid, name in ((9201, "عضو الف"), (9202, "عضو ب"), (9203, "عضو ج"))
            ]
            for user, link in zip([*members, admin_en], links, strict=True):
                await user.start("i_" + link)
                await user.wait_for_message()
            a, b, c = members
            await admin_en.send("/language")
            await admin_en.wait_for_message(contains="زبان")
            await admin_en.press("English")
            await admin_en.wait_for_message(contains="now English")

            await c.block()
            async with sessions() as session, session.begin():  # any push meets the block first
                await outbox.enqueue(
                    session, key="test:hello", chat_id=c.user_id, method="sendMessage", payload={"text": "سلام"}
                )
            await admin_fa.wait_for_message(contains="ربات را مسدود کرده است", timeout=PUSHED)
            async with sessions() as session:
                blocked = await session.scalar(select(Participant).where(Participant.telegram_id == c.user_id))
            assert blocked is not None and blocked.unreachable_at is not None
            assert await _forbidden(emulator) == 1

            async with sessions() as session, session.begin():
                agenda = await open_next_agenda(session, app, BODY)
            assert agenda is not None
            for member in (a, b):
                await member.wait_for_message(contains="دستور جلسه", timeout=PUSHED)
                await member.wait_for_message(contains="امتیاز", timeout=PUSHED)
            told_fa = await admin_fa.wait_for_message(contains="فرستاده نشد", timeout=PUSHED)
            assert "برای ۱ عضو" in told_fa["text"] and "• کاربر ۹۲۰۳" in told_fa["text"]
            assert "کمیته تدوین" in told_fa["text"]
            told_en = await admin_en.wait_for_message(contains="was not sent to", timeout=PUSHED)
            assert "1 member(s) who have blocked the bot" in told_en["text"] and "• User 9203" in told_en["text"]

            await reminders(JobContext(bot, app, fired_at=agenda.deadline - timedelta(hours=23)))
            for member in (a, b):
                await member.wait_for_message(contains="یادآوری", timeout=PUSHED)
            await c.start()  # back: writing to the bot unblocks it, and pushes reach them again
            await c.wait_for_message()
            await deadlines(JobContext(bot, app, fired_at=agenda.deadline + timedelta(seconds=1)))
            for member in (a, b, c):
                await member.wait_for_message(contains="تمدید شد", timeout=PUSHED)  # no quorum: extended once

            async with sessions() as session:
                keys = (
                    await session.scalars(select(OutboxMessage.dedupe_key).where(OutboxMessage.chat_id == c.user_id))
                ).all()
            assert [key for key in keys if ":reminder:" in key or ":header" in key or ":item:" in key] == []
            assert len([key for key in keys if ":extended:" in key]) == 1
            assert await _forbidden(emulator) == 1  # nothing else was tried on the blocked chat
            assert len([m for m in await admin_fa.messages() if "فرستاده نشد" in (m.get("text") or "")]) == 1
    finally:
        await bot.session.close()
        await engine.dispose()
