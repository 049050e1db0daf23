"""Issue 15.2: the longest inputs Meydan accepts, in every kind of message it sends to members, all
taken by the messenger (which counts the visible text after HTML parsing): a too long text comes
shortened at a word boundary with "more", and "more" brings the rest.

A facilitator's /problem of 4,096 characters (the longest message Meydan takes) becomes the first
agenda item; its member reads the item and its rest, "why", the reason and comment prompts and
confirmations with 4,096-character answers, a reminder, the weekly digest and the result.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlalchemy import select

from backend.context import AppContext
from backend.db import create_engine, session_factory
from backend.integration import problems
from backend.models import OutboxMessage, utcnow
from backend.plan import load_plan
from backend.services import outbox
from backend.text import normalize_persian
from bot.app import create_bot
from bot.digest.schedule import weekly_digest
from bot.runner import running_bot
from bot.scheduling.registry import JobContext
from bot.voting.agendas import open_next_agenda
from bot.voting.schedule import deadlines, reminders
from sandbox.emulator.formatting import utf16_len
from tests.e2e.conftest import TOKEN
from tests.e2e.test_meetings import record_problem
from tests.hardening.helpers import at_meeting, invited, text_of

WORDS = "کمبود پارکینگ عمومی در محدوده بازار رضا و خیابان‌های اطراف حرم باعث ترافیک سنگین شده است".split()
MAX = 4096  # MEYDAN_MAX_TEXT_LENGTH, the longest text a user may send


def longest(prefix: str, last: str) -> str:
    """Words up to ``MAX`` characters with ``prefix`` before them, ending in ``last``."""
    words: list[str] = []
    while len(prefix + " ".join([*words, WORDS[len(words) % len(WORDS)], last])) <= MAX:
        words.append(WORDS[len(words) % len(WORDS)])
    return " ".join([*words, last])


def fits(message: dict) -> bool:  # type: ignore[type-arg]
    return utf16_len(text_of(message)) <= (1024 if "caption" in message else 4096)


async def test_the_longest_inputs_reach_members_in_every_message(settings_for, emulator, stack) -> None:  # type: ignore[no-untyped-def]
    settings = settings_for()
    engine = create_engine(stack.database_url)
    sessions = session_factory(engine)
    app = AppContext(settings=settings, plan=load_plan(), engine=engine, sessions=sessions)
    bot = create_bot(settings)
    statement = longest("/problem ", "پایان‌مسئله")
    try:
        async with running_bot(settings):
            facilitator = await at_meeting(emulator, settings, 9701)
            await record_problem(facilitator, statement, "حمل‌ونقل و ترافیک", "۴")
            member = await invited(emulator, settings, 9702, "member", "drafting_committee", "اکنون عضو")
            async with sessions() as session, session.begin():
                await problems.integrate(session)
                agenda = await open_next_agenda(session, app, "drafting_committee", now=utcnow())
                assert agenda is not None
            item = await member.wait_for_message(predicate=lambda m: "v:" in str(m.get("reply_markup")), timeout=20)
            assert text_of(item).endswith("…") and "امتیاز" not in text_of(item)
            await member.press("ادامه متن ⬇️", message_id=item["message_id"])
            rest = await member.wait_for_message(contains="امتیاز")  # the rest of the item
            title = normalize_persian(statement.removeprefix("/problem "))
            shown = " ".join((text_of(item).removesuffix("…") + " " + text_of(rest)).split())
            assert shown.startswith(f"#۱ {title}")

            await member.press("چرا؟ ❓", message_id=item["message_id"])
            await member.wait_for_message(contains="چرا #۱")
            await member.wait_for_message(contains="وزن")  # the breakdown, after the long title

            await reminders(JobContext(bot, app, fired_at=agenda.deadline - timedelta(hours=23)))
            await member.wait_for_message(contains="یادآوری")

            await member.press("نظر 💬", message_id=item["message_id"])
            await member.wait_for_message(contains="نظرتان درباره")
            await member.send(longest("", "پایان‌نظر"))
            await member.wait_for_message(contains="نظر شما ثبت شد")
            await member.press("مخالف ❌", message_id=item["message_id"])
            await member.wait_for_message(contains="دلیل مخالفت")
            await member.send(longest("", "پایان‌دلیل"))
            await member.wait_for_message(contains="با این دلیل")

            await weekly_digest(JobContext(bot, app, fired_at=utcnow()))
            summary = await member.wait_for_message(
                timeout=30, predicate=lambda m: "more:" in str(m.get("reply_markup"))
            )
            assert text_of(summary).endswith("…") and "دو پیام بعدی" not in text_of(summary)
            await member.press("ادامه متن ⬇️", message_id=summary["message_id"])
            await member.wait_for_message(contains="دو پیام بعدی")  # the rest of the summary
            [more] = [b["callback_data"] for row in summary["reply_markup"]["inline_keyboard"] for b in row]
            forged = await facilitator.press(
                data=more, message_id=(await facilitator.messages())[-1]["message_id"], force=True
            )  # someone else's "more": not theirs to read
            assert (await facilitator.wait_for_answer(forged["callback_query"]["id"]))["show_alert"]

            await deadlines(JobContext(bot, app, fired_at=agenda.deadline + timedelta(seconds=1)))
            await member.wait_for_message(contains="نتیجه دستور جلسه")

            for _ in range(100):  # the outbox may still be sending the last documents
                async with sessions() as session:
                    if await outbox.unfinished_count(session) == 0:
                        break
                await asyncio.sleep(0.2)
            async with sessions() as session:
                failed = (
                    await session.execute(
                        select(OutboxMessage.dedupe_key, OutboxMessage.status).where(OutboxMessage.status != "sent")
                    )
                ).all()
            assert failed == []
            sent = await member.messages() + await facilitator.messages()
            assert all(fits(m) for m in sent)
            refused = [c for c in await emulator.control(TOKEN).calls() if c["status"] != 200]
            assert refused == []
    finally:
        await bot.session.close()
        await engine.dispose()
