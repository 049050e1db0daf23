"""A citizen's typed answers carrying HTML, SQL, an expression and a spreadsheet formula: stored as
typed, shown as plain text, never executed (SQL, the survey's relevant expression, Excel)."""

from __future__ import annotations

import csv

from openpyxl import load_workbook
from sqlalchemy import func, select

from backend.models import Answer, Participant, Response, Survey
from backend.services import surveys
from backend.surveys.model import SurveyDefinition
from bot.runner import running_bot
from tests.e2e.conftest import TOKEN
from tests.e2e.test_meetings import cli, database
from tests.hardening.helpers import EVAL_ATTACK, FORMULA_ATTACK, HTML_ATTACK, SQL_ATTACK, shows_literally

COMMENT = f"{HTML_ATTACK} {SQL_ATTACK}"


def _question(name: str, fa: str, **fields: object) -> dict[str, object]:
    return {"name": name, "type": "text", "label": {"fa": fa, "en": name}, **fields}


DEFINITION = SurveyDefinition.model_validate(
    {
        "code": "hardening",
        "title": {"fa": "پرسشنامه آزمون", "en": "Test survey"},
        "languages": ["fa", "en"],
        "questions": [
            _question("nickname", "نام مستعار شما چیست؟", required=True),
            _question("secret", "پرسش ویژه مدیر: رمز چیست؟", relevant="${nickname} = 'admin'"),
            _question("comment", "نظر شما دربارهٔ محله؟", required=True),
            _question("formula", "یک عبارت دلخواه بنویسید.", required=True),
        ],
    }
)


async def test_typed_attacks_are_data_everywhere(settings_for, emulator, stack) -> None:  # type: ignore[no-untyped-def]
    settings = settings_for()
    async with database(settings) as sessions, sessions() as session, session.begin():
        await surveys.register(session, DEFINITION)
        await surveys.set_open(session, "hardening", True)
    async with running_bot(settings):
        prober = emulator.user(TOKEN, user_id=9801, first_name="کاوشگر", language_code="fa")
        await prober.start(f"s_{SQL_ATTACK}")  # a deep link whose survey code is SQL
        await prober.wait_for_message(contains="پیش از شروع")
        await prober.press("موافقم، ادامه")
        await prober.wait_for_message(contains="کدام منطقه")
        await prober.press("منطقه ۱")
        await prober.wait_for_message(contains="پیدا نشد")  # looked up as a value: no such survey

        citizen = emulator.user(TOKEN, user_id=9802, first_name="شهروند", language_code="fa")
        await citizen.start("s_hardening")
        await citizen.wait_for_message(contains="پیش از شروع")
        await citizen.press("موافقم، ادامه")
        await citizen.wait_for_message(contains="کدام منطقه")
        await citizen.press("منطقه ۲")
        await citizen.wait_for_message(contains="نام مستعار")
        await citizen.send(EVAL_ATTACK)
        after = await citizen.wait_for_message(contains="پرسش")  # the relevant saw data, not code
        assert "نظر شما دربارهٔ محله" in after["text"] and "ویژه مدیر" not in after["text"]
        await citizen.send(COMMENT)
        await citizen.wait_for_message(contains="عبارت دلخواه")
        await citizen.send(FORMULA_ATTACK)
        review = await citizen.wait_for_message(contains="مرور پاسخ‌ها")
        for typed in (EVAL_ATTACK, COMMENT, FORMULA_ATTACK):
            assert shows_literally(review, typed), (typed, review["text"], review.get("entities"))
        await citizen.press("ارسال نهایی ✅")
        await citizen.wait_for_message(contains="سپاس")

    async with database(settings) as sessions, sessions() as session:
        assert await session.scalar(select(func.count()).select_from(Survey)) == 2  # the bundled one and ours
        response = await session.scalar(select(Response).join(Participant).where(Participant.telegram_id == 9802))
        stored = {
            a.question: (a.value, a.raw_text)
            for a in await session.scalars(select(Answer).where(Answer.response_id == response.id))
        }
        assert await session.scalar(select(func.count()).select_from(Answer)) == 3  # the table is still there
    assert response.status == "completed"
    assert stored == {
        "nickname": (EVAL_ATTACK, EVAL_ATTACK),
        "comment": (COMMENT, COMMENT),
        "formula": (FORMULA_ATTACK, FORMULA_ATTACK),
    }

    out = settings.data_dir.parent
    export = ("export", "responses", "--survey", "hardening")
    await cli(settings, *export, "--format", "csv", "--out", str(out / "r.csv"))
    await cli(settings, *export, "--format", "xlsx", "--out", str(out / "r.xlsx"))
    [row] = list(csv.DictReader((out / "r.csv").read_text(encoding="utf-8-sig").splitlines()))
    assert (row["nickname"], row["comment"], row["formula"]) == (EVAL_ATTACK, COMMENT, "'" + FORMULA_ATTACK)
    sheet = load_workbook(out / "r.xlsx").active
    cells = {head.value: body for head, body in zip(sheet[1], sheet[2], strict=True)}
    formula = cells["formula"]
    assert (formula.value, formula.data_type, formula.quotePrefix) == (FORMULA_ATTACK, "s", True)
    assert cells["comment"].value == COMMENT
