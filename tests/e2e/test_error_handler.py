"""When a handler fails, the user gets a polite message in their language, never a traceback."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import text

from backend.db import create_engine
from bot.runner import running_bot
from tests.e2e.conftest import TOKEN


async def test_a_failing_update_is_answered_politely(
    settings_for, emulator, stack, caplog: pytest.LogCaptureFixture
) -> None:  # type: ignore[no-untyped-def]
    async with running_bot(settings_for()):
        user = emulator.user(TOKEN, user_id=9501, first_name="Kian", language_code="en")
        await user.send("/language")
        await user.wait_for_message(contains="زبان")
        await user.press("English")
        await user.wait_for_message(contains="now English")
        await user.wait_for_message(contains="Before we start")

        engine = create_engine(stack.database_url)
        try:
            async with engine.begin() as conn:  # break the database under the running bot
                await conn.execute(text("ALTER TABLE participants RENAME TO participants_gone"))
        finally:
            await engine.dispose()

        with caplog.at_level(logging.ERROR, logger="meydan.bot"):
            pressed = await user.press("I agree, continue")  # answered first, then the handler fails: a message says it
            after_press = await user.wait_for_message(contains="Sorry, something went wrong")
            confirm = await user.press(data="district:d01", message_id=after_press["message_id"], force=True)
            answer = await user.wait_for_answer(confirm["callback_query"]["id"])  # failed before answering
            assert answer["text"].startswith("Sorry, something went wrong") and answer["show_alert"]
            await user.send("/surveys")
            reply = await user.wait_for_message(contains="Sorry")
        for shown in (after_press["text"], answer["text"], reply["text"]):
            assert "Traceback" not in shown and "participants" not in shown
        assert any(f"update {pressed['update_id']} failed" in r.getMessage() for r in caplog.records)
