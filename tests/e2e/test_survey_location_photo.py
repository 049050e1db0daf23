"""A citizen shares a location that falls in district 5 of the plan's boundaries, confirms the
proposed district and sends a photo; the export holds the point, both districts and the photo's
path, and the file holds the bytes sent."""

from __future__ import annotations

from pathlib import Path

from backend.db import create_engine, session_factory
from backend.exports import responses_tables
from backend.jalali import TEHRAN as TEHRAN_TIME
from backend.plan import load_plan
from backend.services import surveys
from backend.surveys.xlsform import load_xlsform
from bot.runner import running_bot
from tests.data.boundaries import HARAM, TEHRAN, plan_with_boundaries
from tests.data.xlsforms.corpus import write_workbook
from tests.e2e.citizens import consent_in_english
from tests.e2e.conftest import TOKEN
from tests.e2e.form_citizen import PHOTO

LAMP_FORM = {
    "survey": [
        ["type", "name", "label::English (en)", "label::Persian (fa)", "required"],
        ["geopoint", "where", "Where is the broken lamp?", "چراغ خراب کجاست؟", "yes"],
        ["image", "photo", "A photo of the lamp", "عکس چراغ", "yes"],
    ],
    "settings": [["form_id", "form_title", "default_language"], ["lamp_report", "Broken lamps", "English (en)"]],
}


async def test_location_in_district_5_and_a_photo(
    settings_for,
    emulator,
    stack,  # type: ignore[no-untyped-def]
    tmp_path: Path,
) -> None:
    plan = plan_with_boundaries(tmp_path)
    settings = settings_for(plan_file=plan)
    definition = load_xlsform(write_workbook(LAMP_FORM, tmp_path / "lamps.xlsx"))
    engine = create_engine(stack.database_url)
    sessions = session_factory(engine)
    try:
        async with running_bot(settings):
            async with sessions() as session, session.begin():
                await surveys.register(session, definition)
                await surveys.set_open(session, "lamp_report", True)
            user = emulator.user(TOKEN, user_id=9005, first_name="Maryam", language_code="en")
            await consent_in_english(user, "s_lamp_report")
            await user.press("Samen District")
            await user.wait_for_message(contains="Where is the broken lamp?")
            keyboard = await user.reply_keyboard()
            assert keyboard is not None and keyboard["keyboard"][0][0]["request_location"] is True
            await user.share_location(*HARAM, accuracy=8.0, button="📍 Share my location")
            confirm = await user.wait_for_message(contains="Is this point in District 5?")
            assert confirm["reply_markup"]["inline_keyboard"][0][0]["text"] == "Yes, District 5 ✓"
            await user.press("Yes, District 5 ✓")
            await user.wait_for_message(contains="A photo of the lamp")
            await user.upload_photo(PHOTO)
            review = await user.wait_for_message(contains="Review your answers")
            assert "photo received" in review["text"] and "36.28800, 59.61570 (District 5)" in review["text"]
            await user.press("Submit ✅")
            await user.wait_for_message(contains="Thank you")

        async with sessions() as session:
            [row] = [
                r
                for _, r in (await responses_tables(session, "lamp_report", zone=TEHRAN_TIME, plan=load_plan(plan)))[
                    "responses"
                ].iterrows()
            ]
        assert (row["where__latitude"], row["where__longitude"], row["where__accuracy"]) == (*HARAM, 8.0)
        assert (row["where__district_proposed"], row["where__district"]) == ("d05", "d05")
        photo = Path(row["photo"])
        assert photo.parent == settings.data_dir / "files" and photo.read_bytes() == PHOTO
    finally:
        await engine.dispose()


def test_a_point_outside_every_district_proposes_none(tmp_path: Path) -> None:
    from backend.surveys.location import district_at
    from backend.surveys.plan_sources import plan_choice_sources

    districts = plan_choice_sources(load_plan(plan_with_boundaries(tmp_path)))["district"]
    assert district_at(*HARAM, districts) == "d05"
    assert district_at(36.27, 59.56, districts) == "d04"
    assert district_at(*TEHRAN, districts) is None
