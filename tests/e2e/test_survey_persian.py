"""A citizen completes the bundled survey in Persian, through the emulator, end to end."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import select

from backend.db import create_engine, session_factory
from backend.exports import responses_frame
from backend.jalali import TEHRAN
from backend.models import Answer, Finding, Participant, Response
from bot.runner import running_bot
from tests.e2e.citizens import join, to_the_problem
from tests.e2e.conftest import TOKEN


async def test_citizen_completes_bundled_survey_in_persian(settings_for, emulator, stack) -> None:  # type: ignore[no-untyped-def]
    settings = settings_for()
    async with running_bot(settings):
        user = emulator.user(TOKEN, user_id=6001, first_name="زهرا", language_code="fa")
        await join(user, "منطقه ۹")
        await to_the_problem(user)
        await user.send("ترافیک سنگین بلوار وكيل‌آباد در ساعات اوج")
        await user.wait_for_message(contains="کدام محور")
        await user.press("حمل‌ونقل و ترافیک")
        await user.wait_for_message()
        await user.send("مترو را تا انتهای وکیل‌آباد ادامه دهید")
        review = await user.wait_for_message(contains="مرور پاسخ‌ها")
        assert "ترافیک سنگین" in review["text"] and "(بدون پاسخ)" in review["text"]
        await user.press("ارسال نهایی ✅")
        thanks = await user.wait_for_message(contains="سپاس")
        assert "کمیته" in thanks["text"]
        offer = await user.wait_for_message(contains="کدام مسائل برای منطقهٔ شما مهم‌ترند")  # ranking, offered next
        assert offer["reply_markup"]["inline_keyboard"][0][0]["text"] == "⚖️ اولویت‌بندی مسائل شهر"

    engine = create_engine(stack.database_url)
    try:
        async with session_factory(engine)() as session:
            participant = await session.scalar(select(Participant).where(Participant.telegram_id == 6001))
            assert participant.district == "d09" and participant.language == "fa"
            response = await session.scalar(select(Response).where(Response.participant_id == participant.id))
            assert response.status == "completed"
            given = await session.scalars(select(Answer).where(Answer.response_id == response.id))
            answers = {a.question: a for a in given}
            assert answers["age_band"].value == "age_30_44"
            assert answers["axes_priority"].value == [
                "transport",
                "services_safety",
                "economy",
                "social_cultural",
                "urban_development",
                "governance",
            ]
            assert answers["rate_governance"].value == 2
            assert answers["rate_transport"].skipped
            assert answers["rate_services_safety"].raw_text == "۴" and answers["rate_services_safety"].value == 4
            problem = answers["neighbourhood_problem"]
            assert problem.value == {"text": "ترافیک سنگین بلوار وكيل‌آباد در ساعات اوج", "axis": "transport"}
            finding = await session.scalar(select(Finding))
            assert finding.source == "citizen_poll" and finding.axis == "transport" and finding.district == "d09"
            assert finding.text == "ترافیک سنگین بلوار وكيل‌آباد در ساعات اوج"
            assert finding.normalized_text == "ترافیک سنگین بلوار وکیل‌آباد در ساعات اوج"  # Arabic kaf/yeh normalized
            assert finding.stakeholder_group == "citizens"
            exported = (await responses_frame(session, "mashhad_citizen", zone=TEHRAN)).iloc[0]
    finally:
        await engine.dispose()
    assert exported["participant"] == participant.pseudonym and "6001" not in exported.astype(str).tolist()
    assert (exported["district"], exported["district_answer"], exported["age_band"]) == ("d09", "d09", "age_30_44")
    assert [exported[f"axes_priority__{axis}"] for axis in ("transport", "services_safety", "governance")] == [1, 2, 6]
    assert (exported["rate_governance"], exported["rate_services_safety"]) == (2, 4)
    assert pd.isna(exported["rate_transport"])  # skipped: blank
    assert exported["neighbourhood_problem__axis"] == "transport"
    assert exported["suggestion"] == "مترو را تا انتهای وکیل‌آباد ادامه دهید"
