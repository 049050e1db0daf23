"""Nothing is lost or doubled: restarts, flushed state, double taps and re-delivered updates."""

from __future__ import annotations

import asyncio

from sqlalchemy import func, select

from backend.db import create_engine, session_factory
from backend.models import Answer, Participant, ProcessedUpdate, Response
from bot.app import create_bot
from bot.runner import running_bot
from tests.e2e.citizens import SURVEY, join
from tests.e2e.conftest import TOKEN


async def _join_and_open(user) -> None:  # type: ignore[no-untyped-def]
    await join(user)
    await user.press(SURVEY)
    await user.wait_for_message(contains="در کدام منطقهٔ شهرداری")


async def _answers(stack, user_id: int) -> dict[str, Answer]:  # type: ignore[no-untyped-def]
    engine = create_engine(stack.database_url)
    try:
        async with session_factory(engine)() as session:
            response_ids = select(Response.id).join(Participant).where(Participant.telegram_id == user_id)
            rows = await session.scalars(select(Answer).where(Answer.response_id.in_(response_ids)))
            return {a.question: a for a in rows}
    finally:
        await engine.dispose()


async def test_restart_and_flushed_state_resume_at_the_same_question(settings_for, emulator, stack) -> None:  # type: ignore[no-untyped-def]
    user = emulator.user(TOKEN, user_id=8001, first_name="Hamid", language_code="fa")
    async with running_bot(settings_for()):
        await _join_and_open(user)
        await user.press("منطقه ۲")
        await user.wait_for_message(contains="سن شما")
        await user.press("۱۸ تا ۲۹ سال")
        await user.wait_for_message(contains="ترتیب اهمیت")
        await user.press("اقتصاد و مالیه شهری")
        await user.wait_for_message(contains="گزینه شماره ۲")
    if stack.redis_url:
        from redis.asyncio import Redis

        async with Redis.from_url(stack.redis_url) as redis:
            await redis.flushdb()  # the state store is gone; the database still knows everything
    async with running_bot(settings_for()):  # a new process: in-memory state starts empty too
        await user.start()
        home = await user.wait_for_message(contains="پرسشنامه‌های باز")
        labels = [b["text"] for row in home["reply_markup"]["inline_keyboard"] for b in row]
        assert labels == [f"▶ ادامه: {SURVEY}", "⚖️ اولویت‌بندی مسائل شهر"]  # and ranking the problems
        await user.press(f"▶ ادامه: {SURVEY}")
        resumed = await user.wait_for_message(contains="ترتیب اهمیت")
        assert "گزینه شماره ۲" in resumed["text"]
        buttons = [b["text"] for row in resumed["reply_markup"]["inline_keyboard"] for b in row]
        assert "اقتصاد و مالیه شهری" not in buttons  # already ranked first
        await user.send("/back")
        restarted = await user.wait_for_message(contains="ترتیب اهمیت")
        assert "گزینه شماره ۱" in restarted["text"]
    answers = await _answers(stack, 8001)
    assert answers["age_band"].value == "age_18_29"
    assert "axes_priority" not in answers  # /back restarted the half-done ranking


async def test_double_tap_and_redelivered_update_leave_one_answer(settings_for, emulator, stack) -> None:  # type: ignore[no-untyped-def]
    settings = settings_for()
    user = emulator.user(TOKEN, user_id=8002, first_name="Nasrin", language_code="fa")
    async with running_bot(settings) as dp:
        await _join_and_open(user)
        await user.press("منطقه ۲")
        question = await user.wait_for_message(contains="سن شما")
        taps = await asyncio.gather(
            user.press("۳۰ تا ۴۴ سال", message_id=question["message_id"]),
            user.press("۴۵ تا ۵۹ سال", message_id=question["message_id"]),
        )
        await user.wait_for_message(contains="ترتیب اهمیت")
        answers = [await user.wait_for_answer(tap["callback_query"]["id"]) for tap in taps]
        assert {a["text"] for a in answers} == {"ثبت شد ✓", "این پرسش گذشته است؛ لطفاً به آخرین پرسش پاسخ دهید."}

        pick = await user.press("حمل‌ونقل و ترافیک")
        await user.wait_for_message(contains="گزینه شماره ۲")
        sent_before = len(await user.messages())
        bot = create_bot(settings)
        try:
            await dp.feed_raw_update(bot, pick)  # the same update delivered again
        finally:
            await bot.session.close()
        await asyncio.sleep(0.2)
        assert len(await user.messages()) == sent_before

    answers = await _answers(stack, 8002)
    assert answers["age_band"].value in ("age_30_44", "age_45_59")
    assert answers["axes_priority"].value == ["transport"]
    engine = create_engine(stack.database_url)
    try:
        async with session_factory(engine)() as session:
            assert (
                await session.scalar(
                    select(func.count())
                    .select_from(ProcessedUpdate)
                    .where(ProcessedUpdate.update_id == pick["update_id"])
                )
                == 1
            )
    finally:
        await engine.dispose()
