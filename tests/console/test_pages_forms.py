"""The pages' forms over HTTP: bad input gets a message saying what is expected; dates in any digits."""

from __future__ import annotations

from sqlalchemy import select

from backend.context import transaction
from backend.jalali import to_local
from backend.models import Survey
from tests.console.conftest import Console, csrf_of
from tests.console_backend.test_surveys import YAML


async def test_survey_forms_explain_bad_input_and_read_any_digits(console: Console, client_as) -> None:  # type: ignore[no-untyped-def]
    admin = await client_as("admin")
    csrf = csrf_of((await admin.get("/surveys")).text)
    wrong = await admin.post(
        "/surveys/upload", data={"csrf_token": csrf}, files={"survey_file": ("notes.pdf", b"%PDF")}
    )
    assert wrong.status_code == 400 and "فقط XLSForm" in wrong.text
    uploaded = await admin.post(
        "/surveys/upload", data={"csrf_token": csrf}, files={"survey_file": ("w.yaml", YAML.encode())}
    )
    assert uploaded.status_code == 303 and uploaded.headers["location"] == "/surveys/water?done=created"
    page = await admin.get("/surveys/water?done=created")
    assert "ثبت شد (نسخهٔ ۱)" in page.text and "https://" not in page.text.split('id="deep-link">')[1][:20]

    bad = await admin.post(
        "/surveys/water/schedule", data={"csrf_token": csrf, "action": "open", "opens_on": "۱۴۰۵/۱۳/۴۰"}
    )
    assert bad.status_code == 400 and "خوانده نشد" in bad.text and "۱۴۰۵/۱۳/۴۰" in bad.text
    backwards = {"csrf_token": csrf, "action": "open", "opens_on": "1405/02/01", "closes_on": "1405/01/01"}
    assert "پیش از روز آغاز" in (await admin.post("/surveys/water/schedule", data=backwards)).text
    opened = {
        "csrf_token": csrf,
        "action": "open",
        "opens_on": "١٤٠٥/٠١/٠١",
        "closes_on": "۱۴۰۵/۰۱/۳۱",
    }  # Arabic, Persian
    assert (await admin.post("/surveys/water/schedule", data=opened)).status_code == 303
    async with transaction(console.context) as session:
        survey = await session.scalar(select(Survey).where(Survey.code == "water"))
    assert survey is not None and survey.is_open
    zone = console.context.zone
    assert survey.opens_at is not None and survey.closes_at is not None
    opens, closes = to_local(survey.opens_at, zone), to_local(survey.closes_at, zone)  # local midnights
    assert (opens.isoformat(), closes.isoformat()) == ("2026-03-21T00:00:00+03:30", "2026-04-21T00:00:00+03:30")
    admin.cookies.set("meydan_lang", "en")
    english = await admin.get("/surveys/water")
    assert "Open and close" in english.text and "from 1405/01/01" in english.text


async def test_invite_and_digest_forms(console: Console, client_as) -> None:  # type: ignore[no-untyped-def]
    admin = await client_as("admin")
    csrf = csrf_of((await admin.get("/invites")).text)
    for data, text in (
        ({"role": "member", "scope": "drafting_committee", "days": "a week"}, "عددی از ۱ تا ۳۶۵"),
        ({"role": "facilitator", "scope": "hq.nowhere", "days": "7"}, "کارگروهی با کد «hq.nowhere»"),
        ({"role": "admin", "scope": "", "days": "7"}, "ممکن نیست"),
    ):
        refused = await admin.post("/invites", data={"csrf_token": csrf, **data})
        assert refused.status_code == 400 and text in refused.text, data
    span = await admin.get("/digests/span", params={"first": "۱۴۰۵/۰۱/۰۱", "last": "1405/01/10"})
    assert span.status_code == 303 and span.headers["location"] == "/digests/2026-03-21/2026-03-30"
    digest = await admin.get(span.headers["location"])
    assert digest.status_code == 200 and "۱۴۰۵/۰۱/۰۱ – ۱۴۰۵/۰۱/۱۰" in digest.text
    refused = await admin.get("/digests/span", params={"first": "1405/01/10", "last": "1405/01/01"})
    assert refused.status_code == 400 and "پیش از روز نخست" in refused.text
