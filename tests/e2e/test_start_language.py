"""A citizen meets the bot: Persian welcome, switch to English, English from then on."""

from __future__ import annotations

from bot.runner import running_bot
from tests.e2e.conftest import TOKEN


async def test_start_in_persian_then_english(settings_for, emulator, stack) -> None:  # type: ignore[no-untyped-def]
    async with running_bot(settings_for()):
        user = emulator.user(TOKEN, user_id=5001, first_name="مریم", language_code="fa")
        await user.start()
        welcome = await user.wait_for_message(contains="خوش آمدید")
        assert "میدان" in welcome["text"]
        buttons = [b["text"] for row in welcome["reply_markup"]["inline_keyboard"] for b in row]
        assert buttons == ["فارسی", "English"]

        await user.press("English")
        changed = await user.wait_for_message(contains="English")
        assert changed["text"] == "The conversation language is now English."
        answers = await user.callback_answers()
        assert answers and answers[-1]["text"] == "English"

        await user.send("/help")
        help_text = await user.wait_for_message(contains="Meydan help")
        assert "/language" in help_text["text"]

        await user.start()
        welcome_en = await user.wait_for_message(contains="welcome to")
        assert "Meydan" in welcome_en["text"]


async def test_language_survives_in_the_state_store(settings_for, emulator, stack) -> None:  # type: ignore[no-untyped-def]
    """With Redis, a restarted bot still speaks the chosen language (in memory: a fresh start)."""
    user = emulator.user(TOKEN, user_id=5002, first_name="Ali", language_code="en")
    async with running_bot(settings_for()):
        await user.send("/language")
        await user.wait_for_message(contains="زبان")
        await user.press("English")
        await user.wait_for_message(contains="now English")
    async with running_bot(settings_for()):
        await user.send("/help")
        reply = await user.wait_for_message()
        expected = "Meydan help" if stack.redis_url else "راهنمای میدان"
        assert expected in reply["text"]


async def test_unknown_command_and_stale_button(settings_for, emulator, stack) -> None:  # type: ignore[no-untyped-def]
    async with running_bot(settings_for()):
        user = emulator.user(TOKEN, user_id=5003, first_name="Sara", language_code="fa")
        await user.send("/frobnicate")
        reply = await user.wait_for_message()
        assert "/help" in reply["text"]
        await user.start()
        welcome = await user.wait_for_message(contains="خوش آمدید")
        await user.press(data="lang:xx", message_id=welcome["message_id"], force=True)
        answer = await _last_answer(user)
        assert "دکمه" in answer["text"]


async def _last_answer(user):  # type: ignore[no-untyped-def]
    import asyncio

    for _ in range(100):
        answers = await user.callback_answers()
        if answers:
            return answers[-1]
        await asyncio.sleep(0.05)
    raise AssertionError("the button press was never answered")
