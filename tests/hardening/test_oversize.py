"""Oversized input is refused with one clear message and nothing is stored: a facilitator at an
open meeting (where any text or file would become a note) and a citizen in a survey."""

from __future__ import annotations

from sqlalchemy import select

from backend.config import MAX_TEXT_LENGTH
from backend.models import Answer, Note
from bot.i18n import t
from bot.runner import running_bot
from tests.e2e.citizens import SURVEY, join, to_the_problem
from tests.e2e.conftest import TOKEN
from tests.e2e.test_meetings import database, png
from tests.hardening.helpers import at_meeting, document, sent_until, text_of

MAX_TEXT, MAX_MB = 300, 1
MB = 1024 * 1024


async def test_long_texts_big_files_and_albums_are_refused_and_not_logged(settings_for, emulator, stack) -> None:  # type: ignore[no-untyped-def]
    settings = settings_for(max_text_length=MAX_TEXT, max_file_mb=MAX_MB)
    async with running_bot(settings):
        user = await at_meeting(emulator, settings, 9701)

        await user.send("ی" * (MAX_TEXT + 1))
        assert text_of(await user.wait_for_message()) == t(
            "limits.text_too_long", "fa", length=MAX_TEXT + 1, max=MAX_TEXT
        )
        await user.upload_photo(png(), caption="ک" * (MAX_TEXT + 5))  # a caption counts like a text
        assert text_of(await user.wait_for_message()) == t(
            "limits.text_too_long", "fa", length=MAX_TEXT + 5, max=MAX_TEXT
        )
        await user.upload_document(b"%PDF" + bytes(MB), filename="report.pdf", mime_type="application/pdf")
        assert text_of(await user.wait_for_message()) == t("limits.file_too_large", "fa", size=2, max=MAX_MB)
        await user.send_content(document("movie.mkv", 3 * 1024 * MB))  # 3 GB, as a premium client may send
        assert text_of(await user.wait_for_message()) == t("limits.file_too_large", "fa", size=3072, max=MAX_MB)

        album = t("limits.album", "fa")
        for number in range(3):  # one album of three small files: refused once, as a whole
            await user.send_content(document(f"page{number}.pdf", 1000, media_group_id="album-1"))
        await user.send_content(document("other.pdf", 1000, media_group_id="album-2"))
        await sent_until(user, lambda got: sum(text_of(m) == album for m in got) == 2)

        await user.send("ی" * MAX_TEXT)  # at the limit: taken
        await user.wait_for_message(contains="یادداشت ثبت شد")
        await user.upload_document(b"%PDF-small", filename="small.pdf", mime_type="application/pdf")
        await user.wait_for_message(contains="فایل ثبت شد")
        assert sum(text_of(m) == album for m in await user.messages()) == 2

    async with database(settings) as sessions, sessions() as session:
        notes = (await session.execute(select(Note.kind, Note.text, Note.file_name).order_by(Note.id))).all()
    assert notes == [("text", "ی" * MAX_TEXT, None), ("document", None, "small.pdf")]


async def test_a_citizen_answer_over_the_limit_leaves_the_question_waiting(settings_for, emulator, stack) -> None:  # type: ignore[no-untyped-def]
    settings = settings_for(max_text_length=MAX_TEXT)
    async with running_bot(settings):
        citizen = emulator.user(TOKEN, user_id=9711, first_name="شهروند", language_code="fa")
        await join(citizen)
        await citizen.press(SURVEY)
        await citizen.wait_for_message(contains="در کدام منطقهٔ شهرداری")
        await citizen.send("س" * (MAX_TEXT + 1))
        refusal = await citizen.wait_for_message()
        assert text_of(refusal) == t("limits.text_too_long", "fa", length=MAX_TEXT + 1, max=MAX_TEXT)
        await citizen.press("منطقه ۲")  # the question was still waiting for its answer
        await citizen.wait_for_message(contains="سن شما")


async def test_a_survey_answer_has_the_one_limit_and_is_told_it(settings_for, emulator, stack) -> None:  # type: ignore[no-untyped-def]
    """The length of an answer is MEYDAN_MAX_TEXT_LENGTH (4,096 unless set), not a second, smaller limit
    of the survey's own; a refusal states the limit, in Persian digits."""
    async with running_bot(settings_for()):
        citizen = emulator.user(TOKEN, user_id=9721, first_name="شهروند", language_code="fa")
        await join(citizen, "منطقه ۹")
        await to_the_problem(citizen)
        problem = ("ترافیک سنگین بلوار وکیل‌آباد " * 150)[:MAX_TEXT_LENGTH].strip()  # over 2,000 characters
        await citizen.send(problem)
        await citizen.wait_for_message(contains="کدام محور")
        await citizen.press("حمل‌ونقل و ترافیک")
        await citizen.wait_for_message(contains="پیشنهاد")
        await citizen.send("پ" * (MAX_TEXT_LENGTH + 1))
        refusal = text_of(await citizen.wait_for_message())
        assert refusal == t("limits.text_too_long", "fa", length=MAX_TEXT_LENGTH + 1, max=MAX_TEXT_LENGTH)
        assert "۴٬۰۹۶" in refusal
    async with database(settings_for()) as sessions, sessions() as session:
        answer = await session.scalar(select(Answer.value).where(Answer.question == "neighbourhood_problem"))
    assert answer == {"text": problem, "axis": "transport"} and len(problem) > 4000
