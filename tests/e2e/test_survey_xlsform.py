"""An XLSForm survey imported with the CLI, answered in English through a deep link."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import select

from backend.db import create_engine, session_factory
from backend.models import Answer, Participant, Response
from bot.runner import running_bot
from sandbox.emulator.users import SimulatedUser
from tests.e2e.citizens import consent_in_english
from tests.e2e.conftest import TOKEN
from tests.e2e.xlsform_fixture import write_transit_form


def meydan(*args: str, database_url: str, data_dir: Path) -> subprocess.CompletedProcess[str]:
    """Run the real ``meydan`` command line against the test's database."""
    env = {**os.environ, "MEYDAN_DATABASE_URL": database_url, "MEYDAN_DATA_DIR": str(data_dir)}
    return subprocess.run([sys.executable, "-m", "bot", *args], env=env, capture_output=True, text=True, timeout=120)


def open_transit_survey(stack, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Import the transit XLSForm and open it with the real command line."""
    url = stack.database_url.render_as_string(hide_password=False)
    imported = meydan("survey", "import", str(write_transit_form(tmp_path)), database_url=url, data_dir=tmp_path)
    assert imported.returncode == 0, imported.stderr
    assert imported.stdout.startswith("transit_check")
    assert meydan("survey", "open", "transit_check", database_url=url, data_dir=tmp_path).returncode == 0


async def start_in_samen(user: SimulatedUser) -> None:
    """Through the survey's deep link in English, from Samen: the first question is asked next."""
    await consent_in_english(user, "s_transit_check")
    await user.press("Samen District")
    await user.wait_for_message(contains="How many people")


async def test_english_citizen_answers_an_xlsform_survey(settings_for, emulator, stack, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    open_transit_survey(stack, tmp_path)
    async with running_bot(settings_for()):
        user = emulator.user(TOKEN, user_id=7001, first_name="Reza", language_code="en")
        await start_in_samen(user)
        await user.send("forty")
        error = await user.wait_for_message()
        assert error["text"] == "Please send a whole number, for example 25."
        await user.wait_for_message(contains="How many people")  # the same question again
        await user.send("25")
        error = await user.wait_for_message()
        assert error["text"] == "Please give a number from 1 to 19"  # the form's constraint_message
        await user.wait_for_message(contains="How many people")
        await user.send("٤")  # Arabic-Indic four
        await user.wait_for_message(contains="commute by bus")
        await user.press("Yes")
        await user.wait_for_message(contains="biggest problem with the buses")  # relevant: uses_bus = yes
        await user.send("Buses are <b>late</b> & crowded")
        modes = await user.wait_for_message(contains="other modes")
        await user.press("◻️ Metro")
        await user.wait_for_message(predicate=lambda m: "✅ Metro" in str(m.get("reply_markup")))
        await user.press("◻️ Bicycle")
        await user.wait_for_message(predicate=lambda m: "✅ Bicycle" in str(m.get("reply_markup")))
        await user.press(
            "Save choices ✓",
        )
        await user.wait_for_message(contains="Commute distance")
        await user.send("۱۲٫۵")
        review = await user.wait_for_message(contains="Review your answers")
        assert "Metro" in review["text"] and "Bicycle" in review["text"]
        assert "Buses are &lt;b&gt;late&lt;/b&gt; &amp; crowded" not in review["text"]  # shown as text, not markup
        assert "Buses are <b>late</b> & crowded" in review["text"]
        await user.press("Submit ✅")
        await user.wait_for_message(contains="Thank you")
        assert modes["message_id"] > 0

    engine = create_engine(stack.database_url)
    try:
        async with session_factory(engine)() as session:
            participant = await session.scalar(select(Participant).where(Participant.telegram_id == 7001))
            assert participant.language == "en" and participant.district == "samen"
            response = await session.scalar(select(Response).where(Response.participant_id == participant.id))
            assert response.status == "completed" and response.language == "en"
            answers = {
                a.question: a.value
                for a in await session.scalars(select(Answer).where(Answer.response_id == response.id))
            }
            assert answers == {
                "household": 4,
                "uses_bus": "yes",
                "bus_issue": "Buses are <b>late</b> & crowded",
                "modes": ["metro", "bike"],
                "commute_km": "12.5",
            }
    finally:
        await engine.dispose()


async def test_a_multiple_choice_keyboard_of_an_earlier_release_is_refused_and_the_question_sent_again(
    settings_for, emulator, stack, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    """Its buttons carried no ticks (``st:r:q:c``, ``sd:r:q``): a press on one saves nothing, says why, and
    the question comes again with buttons that work."""
    open_transit_survey(stack, tmp_path)
    async with running_bot(settings_for()):
        user = emulator.user(TOKEN, user_id=7002, first_name="Sara", language_code="en")
        await start_in_samen(user)
        await user.send("3")
        await user.wait_for_message(contains="commute by bus")
        await user.press("No")
        modes = await user.wait_for_message(contains="other modes")
        tick = next(
            button["callback_data"]
            for row in modes["reply_markup"]["inline_keyboard"]
            for button in row
            if button["text"] == "◻️ Metro"
        )
        response, question, option, _ticks = tick.split(":")[1:]
        for old in (f"st:{response}:{question}:{option}", f"sd:{response}:{question}"):
            pressed = await user.press(data=old, message_id=modes["message_id"], force=True)
            answer = await user.wait_for_answer(pressed["callback_query"]["id"])
            assert answer["show_alert"] and "earlier version" in answer["text"], old
            again = await user.wait_for_message(contains="other modes")
            assert "◻️ Metro" in str(again["reply_markup"])  # nothing was ticked or saved
        await user.press("◻️ Metro")
        await user.wait_for_message(predicate=lambda m: "✅ Metro" in str(m.get("reply_markup")))
        await user.press("Save choices ✓")
        await user.wait_for_message(contains="Commute distance")
