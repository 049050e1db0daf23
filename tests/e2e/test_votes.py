"""Approval votes end to end: an agenda pushed through the outbox, votes by button, the chain.

The clock is the test's: the scheduled jobs' functions are called with the firing times the
test chooses, exactly as the scheduler would call them.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from backend.context import AppContext
from backend.db import create_engine, session_factory
from backend.integration import problems
from backend.models import AgendaItem, AuditEntry, utcnow
from backend.plan import load_plan
from backend.services import invites
from backend.services.findings import record_finding
from backend.voting import service as voting
from bot.app import create_bot
from bot.runner import running_bot
from bot.scheduling.registry import JobContext
from bot.voting.agendas import open_next_agenda
from bot.voting.schedule import deadlines, reminders
from tests.e2e.conftest import TOKEN

STATEMENTS = [  # five distinct problems, raised by different sources and groups
    ("ترافیک سنگین در بلوار وکیل‌آباد", "transport", ["elite_interview", "citizen_poll", "council_interview"]),
    ("کمبود فضای سبز در حاشیه شهر", "urban_development", ["neighborhood_council", "citizen_poll"]),
    ("جمع‌آوری نامنظم زباله در محلات", "services_safety", ["citizen_poll", "agency_interview"]),
    ("نبود شفافیت در بودجه شهرداری", "governance", ["civil_society_forum"]),
    ("کمبود فضاهای فرهنگی برای نوجوانان", "social_cultural", ["neighborhood_council"]),
]


async def _problems(sessions) -> None:  # type: ignore[no-untyped-def]
    async with sessions() as session, session.begin():
        for text, axis, sources in STATEMENTS:
            for source in sources:
                await record_finding(
                    session,
                    kind="problem",
                    text=text,
                    source=source,
                    axis=axis,
                    stakeholder_group="citizens",
                    severity=4,
                )
        await problems.integrate(session)


async def _invite(sessions, app: AppContext, body: str) -> str:  # type: ignore[no-untyped-def]
    async with sessions() as session, session.begin():
        return await invites.create(session, app.secret, app.plan, "member", body)


async def test_agenda_votes_reminders_deadline_and_the_next_body(settings_for, emulator, stack) -> None:  # type: ignore[no-untyped-def]
    settings = settings_for(admin_ids=[9990])
    engine = create_engine(stack.database_url)
    sessions = session_factory(engine)
    app = AppContext(settings=settings, plan=load_plan(), engine=engine, sessions=sessions)
    bot = create_bot(settings)
    try:
        async with running_bot(settings):
            await _problems(sessions)
            members = [
                emulator.user(TOKEN, user_id=uid, first_name=name, language_code="fa")
                for uid, name in ((9101, "عضو الف"), (9102, "عضو ب"), (9103, "عضو ج"))
            ]
            for member in members:
                await member.start("i_" + await _invite(sessions, app, "drafting_committee"))
                await member.wait_for_message(contains="کمیته تدوین")
            outsider = emulator.user(TOKEN, user_id=9199, first_name="غریبه", language_code="fa")
            await outsider.send("/help")
            help_message = await outsider.wait_for_message()

            now = utcnow()
            async with sessions() as session, session.begin():
                agenda = await open_next_agenda(session, app, "drafting_committee", now=now)
                assert agenda is not None
                await session.refresh(agenda, ["items"])
                items = [item.id for item in agenda.items]
            assert len(items) == 5
            deadline = agenda.deadline
            for member in members:
                await member.wait_for_message(contains="دستور جلسه")
                for _ in items:
                    await member.wait_for_message(contains="امتیاز")
            shown = [m for m in await members[0].messages() if "امتیاز" in (m.get("text") or "")]
            assert "ترافیک سنگین" in shown[0]["text"]  # the most widely raised problem comes first

            a, b, c = members
            for item in items:
                await a.press("موافق ✅", message_id=_message_of(shown, item))
                await a.wait_for_answer()
            b_shown = [m for m in await b.messages() if "امتیاز" in (m.get("text") or "")]
            for item in items[:4]:
                await b.press("موافق ✅", message_id=_message_of(b_shown, item))
                await b.wait_for_answer()
            await b.press("مخالف ❌", message_id=_message_of(b_shown, items[4]))
            await b.wait_for_message(contains="دلیل مخالفت")
            await b.send("با برنامه فرهنگی منطقه همپوشانی دارد")
            await b.wait_for_message(contains="ثبت شد")
            c_shown = [m for m in await c.messages() if "امتیاز" in (m.get("text") or "")]
            await c.press("موافق ✅", message_id=_message_of(c_shown, items[0]))
            await c.wait_for_answer()
            await c.press("مخالف ❌", message_id=_message_of(c_shown, items[0]))  # changes the vote
            await c.wait_for_message(contains="دلیل مخالفت")
            await c.send("هزینه اجرایی بالا")
            await c.wait_for_message(contains="ثبت شد")
            await c.press("مخالف ❌", message_id=_message_of(c_shown, items[4]))
            await c.wait_for_message(contains="دلیل مخالفت")
            await c.send("اولویت پایین")
            await c.wait_for_message(contains="ثبت شد")
            current = next(m for m in await c.messages() if m["message_id"] == _message_of(c_shown, items[0]))
            assert "• مخالف ❌ •" in str(current["reply_markup"])  # the message shows the current choice

            await a.press("چرا؟ ❓", message_id=_message_of(shown, items[0]))
            why = await a.wait_for_message(contains="چرا #۱؟")
            assert "گستره منابع" in why["text"] and "وزن" in why["text"]
            await a.press("نظر 💬", message_id=_message_of(shown, items[1]))
            await a.wait_for_message(contains="نظرتان درباره")
            await a.send("با طرح جامع حمل‌ونقل هماهنگ شود")
            await a.wait_for_message(contains="نظر شما ثبت شد")

            forged = await outsider.press(
                data=f"v:{items[0]}:approve", message_id=help_message["message_id"], force=True
            )
            refused = await outsider.wait_for_answer(forged["callback_query"]["id"])
            assert refused["text"] == "شما عضو این مرجع نیستید؛ رأی شما ثبت نشد." and refused["show_alert"]

            await reminders(JobContext(bot, app, fired_at=deadline - timedelta(hours=23)))
            reminder = await c.wait_for_message(contains="یادآوری")
            assert "دستور جلسه" in reminder["text"]
            await reminders(JobContext(bot, app, fired_at=deadline - timedelta(hours=22)))  # same reminder: once

            await deadlines(JobContext(bot, app, fired_at=deadline + timedelta(seconds=1)))
            for member in members:
                result = await member.wait_for_message(contains="نتیجه دستور جلسه")
                assert "تصویب: ۴" in result["text"] and "رد: ۱" in result["text"]
            assert not [m for m in await a.messages() if "یادآوری" in (m.get("text") or "")]
            assert len([m for m in await c.messages() if "یادآوری" in (m.get("text") or "")]) == 1

            async with sessions() as session, session.begin():
                waiting = await voting.waiting(session, app.plan, "strategic_commission")
                commission = await open_next_agenda(session, app, "strategic_commission")
                assert commission is not None
                await session.refresh(commission, ["items"])
                on_commission = {item.problem_id for item in commission.items}
                rejected = (await session.get(AgendaItem, items[4])).problem_id
                returned = await voting.returned_reasons(session, [rejected])
                actions = select(AuditEntry.action).where(AuditEntry.entity == "agenda_item")
                audit = (await session.scalars(actions)).all()
            approved = {(await _problem(sessions, item)) for item in items[:4]}
            assert set(waiting) == approved == on_commission
            assert rejected not in on_commission
            assert sorted(returned[rejected]) == sorted(["با برنامه فرهنگی منطقه همپوشانی دارد", "اولویت پایین"])
            assert audit.count("vote.cast") == 5 + 5 + 2 and audit.count("vote.changed") == 1
            assert audit.count("vote.comment") == 1
    finally:
        await bot.session.close()
        await engine.dispose()


def _message_of(shown: list[dict], item_id: int) -> int:  # type: ignore[type-arg]
    for message in shown:
        if f"v:{item_id}:approve" in str(message.get("reply_markup")):
            return message["message_id"]
    raise AssertionError(f"no message for item {item_id}")


async def _problem(sessions, item_id: int) -> int:  # type: ignore[no-untyped-def]
    async with sessions() as session:
        return (await session.get(AgendaItem, item_id)).problem_id
