"""Declining stores nothing; /forget removes the profile and the account link."""

from __future__ import annotations

from sqlalchemy import select

from backend.db import create_engine, session_factory
from backend.models import Participant
from bot.runner import running_bot
from tests.e2e.citizens import join
from tests.e2e.conftest import TOKEN


async def _participants(stack) -> list[Participant]:  # type: ignore[no-untyped-def]
    engine = create_engine(stack.database_url)
    try:
        async with session_factory(engine)() as session:
            return list(await session.scalars(select(Participant)))
    finally:
        await engine.dispose()


async def test_declining_stores_nothing(settings_for, emulator, stack) -> None:  # type: ignore[no-untyped-def]
    async with running_bot(settings_for()):
        user = emulator.user(TOKEN, user_id=9001, first_name="Leila", language_code="fa")
        await user.start("s_mashhad_citizen")
        await user.wait_for_message(contains="پیش از شروع")
        await user.press("موافق نیستم")
        reply = await user.wait_for_message(contains="چیزی از شما ذخیره نشد")
        assert "/start" in reply["text"]
        await user.send("/surveys")
        again = await user.wait_for_message(contains="پیش از شروع")  # still asks for consent first
        assert again["reply_markup"]
    assert await _participants(stack) == []


async def test_forget_removes_profile_and_link(settings_for, emulator, stack) -> None:  # type: ignore[no-untyped-def]
    async with running_bot(settings_for()):
        user = emulator.user(TOKEN, user_id=9002, first_name="Omid", language_code="fa")
        await join(user, "منطقه ۴")
        [before] = await _participants(stack)
        assert before.telegram_id == 9002 and before.district == "d04"

        await user.send("/forget")
        await user.wait_for_message(contains="مطمئنید")
        await user.press("بله، پاک کن")
        await user.wait_for_message(contains="پاک شد")
        await user.send("/forget")
        await user.wait_for_message(contains="مطمئنید")
        await user.press("بله، پاک کن")
        await user.wait_for_message(contains="از شما چیزی نزد ما نیست")
    [after] = await _participants(stack)
    assert after.telegram_id is None and after.district is None and after.forgotten_at is not None
    assert after.pseudonym != before.pseudonym  # the old answers can no longer be tied to this account
