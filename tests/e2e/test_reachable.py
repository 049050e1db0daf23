"""A participant marked unreachable (they blocked the bot) is reachable again once they /start it."""

from __future__ import annotations

from sqlalchemy import select, update

from backend.db import create_engine, session_factory
from backend.models import Participant, utcnow
from bot.runner import running_bot
from tests.e2e.citizens import join
from tests.e2e.conftest import TOKEN


async def test_start_after_unblocking_makes_a_participant_reachable(settings_for, emulator, stack) -> None:  # type: ignore[no-untyped-def]
    engine = create_engine(stack.database_url)
    sessions = session_factory(engine)
    try:
        async with running_bot(settings_for()):
            user = emulator.user(TOKEN, user_id=9301, first_name="Reza", language_code="fa")
            await join(user)
            async with sessions() as session, session.begin():  # as the outbox does on a 403
                await session.execute(update(Participant).values(unreachable_at=utcnow()))
            await user.start()
            await user.wait_for_message(contains="پرسشنامه‌های باز")
        async with sessions() as session:
            [participant] = (await session.scalars(select(Participant))).all()
        assert participant.unreachable_at is None
    finally:
        await engine.dispose()
