"""The Surveys, Invites, Meetings and Digests pages in Chromium, with the real bot on the emulator: an admin
signs in through the link /console gives, uploads a broken then a good XLSForm, previews and opens it,
downloads its QR code and decodes it back to the deep link, a citizen answers in the bot and the
dashboard's count moves, an invite is made and revoked; screenshots of each page at 1280 and 400 px."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import uvicorn
import zxingcpp
from PIL import Image
from playwright.async_api import expect

from backend import migrate
from backend.context import AppContext
from backend.db import create_engine, session_factory
from backend.jalali import format_date, today_local
from backend.locales import localize_number
from backend.plan import load_plan
from bot.runner import running_bot
from console.app import create_app
from tests.browser import BrowserPage, open_page
from tests.console.conftest import ARTIFACTS, free_port, sign_in_page
from tests.console_backend.test_meetings_digests import a_meeting
from tests.console_backend.test_surveys import broken_form
from tests.e2e import conftest as e2e
from tests.e2e.citizens import consent_in_english
from tests.e2e.xlsform_fixture import write_transit_form

emulator, settings_for = e2e.emulator, e2e.settings_for  # the emulator and the bot's settings, as fixtures here
TOKEN = e2e.TOKEN
ADMIN = 900_777
BOT_USERNAME = "meydan_test_bot"  # the emulator's bot
SURVEY_LINK = f"https://t.me/{BOT_USERNAME}?start=s_transit_check"
PHONE = (400, 860)
COMPLETED_TODAY = "#today .card[data-measure='completed'] .value"


@dataclass
class Served:
    context: AppContext
    url: str


@pytest.fixture
async def with_bot(settings_for, tmp_path: Path) -> AsyncIterator[Served]:  # type: ignore[no-untyped-def]
    """The console on the bot's database, served by uvicorn."""
    port = free_port()
    settings = settings_for(admin_ids=str(ADMIN), web_url=f"http://127.0.0.1:{port}", bot_username=BOT_USERNAME)
    engine = create_engine(settings.db_url)
    await migrate.upgrade(engine)
    context = AppContext(settings=settings, plan=load_plan(), engine=engine, sessions=session_factory(engine))
    server = uvicorn.Server(uvicorn.Config(create_app(context, refresh_seconds=2), port=port, log_level="warning"))
    task = asyncio.create_task(server.serve())
    while not server.started:
        if task.done():
            task.result()
        await asyncio.sleep(0.05)
    try:
        yield Served(context, settings.web_url)
    finally:
        server.should_exit = True
        await task
        await engine.dispose()


async def _completed_today(page: Any) -> int:
    text = await page.locator(COMPLETED_TODAY).inner_text()
    return int(text.translate(str.maketrans("۰۱۲۳۴۵۶۷۸۹", "0123456789")))


async def _answer_transit(emulator: Any) -> None:
    """A citizen opens the survey's deep link and answers it in English."""
    user = emulator.user(TOKEN, user_id=7101, first_name="Reza", language_code="en")
    await consent_in_english(user, "s_transit_check")
    await user.press("Samen District")
    await user.wait_for_message(contains="How many people")
    await user.send("۴")
    await user.wait_for_message(contains="commute by bus")
    await user.press("No")
    await user.wait_for_message(contains="other modes")
    await user.press("◻️ Metro")
    await user.wait_for_message(predicate=lambda m: "✅ Metro" in str(m.get("reply_markup")))
    await user.press("Save choices ✓")
    await user.wait_for_message(contains="Commute distance")
    await user.send("12")
    await user.wait_for_message(contains="Review your answers")
    await user.press("Submit ✅")
    await user.wait_for_message(contains="Thank you")


async def _shoot(opened: BrowserPage, name: str, width: int) -> None:
    scroll = await opened.page.evaluate("document.documentElement.scrollWidth")
    assert scroll <= width, f"{name} is {scroll} px wide in a {width} px window"
    await opened.screenshot(ARTIFACTS / f"console-{name}-{width}.png")


async def test_the_secretariat_runs_a_survey_and_an_invite_in_the_browser(  # type: ignore[no-untyped-def]
    with_bot: Served, emulator, browser, tmp_path: Path
) -> None:
    served = with_bot
    async with running_bot(served.context.settings):
        admin = emulator.user(TOKEN, user_id=ADMIN, first_name="Dabir", language_code="fa")
        await admin.send("/console")
        reply = await admin.wait_for_message(contains=served.url)
        link = re.search(r"http://\S+?token=[\w-]+", reply["text"])
        assert link is not None

        async with open_page(browser, (1280, 900)) as opened:
            page = opened.page
            await sign_in_page(page, link[0])
            before = await _completed_today(page)

            await page.goto(served.url + "/surveys")
            bad = {"name": "transit.xlsx", "mimeType": "application/octet-stream", "buffer": broken_form(tmp_path)}
            await page.set_input_files("#survey_file", files=[bad])
            await page.locator("form[action='/surveys/upload'] button").click()
            errors = page.locator("#upload-errors")
            assert "no_such_list" in await errors.inner_text()
            assert await errors.locator("td.num").inner_text() == "۳"  # the row, in Persian digits
            await _shoot(opened, "surveys", 1280)
            assert [e for e in opened.errors if "400" not in e] == []  # the refused upload answered 400, as meant
            opened.errors.clear()

            good = write_transit_form(tmp_path)  # over the broken one
            await page.set_input_files("#survey_file", str(good))
            await page.locator("form[action='/surveys/upload'] button").click()
            await page.wait_for_url(re.compile(r"/surveys/transit_check"))
            assert await page.locator("#deep-link").inner_text() == SURVEY_LINK

            await page.locator(".preview-link").last.click()
            chat = page.locator(".chat")
            assert "How many people live in your household?" in await chat.inner_text()
            assert await chat.get_attribute("dir") == "ltr"
            await _shoot(opened, "survey-preview", 1280)
            await page.go_back()

            today = today_local(served.context.zone)
            await page.fill("#opens_on", format_date(today, "fa"))  # Persian digits
            await page.fill("#closes_on", format_date(today + timedelta(days=30), "en"))  # Latin digits
            await page.locator("#open-survey").click()
            await page.wait_for_selector("#close-survey")

            async with page.expect_download() as png:
                await page.locator("#qr-png").click()
            saved = tmp_path / "qr.png"
            await (await png.value).save_as(saved)
            assert [code.text for code in zxingcpp.read_barcodes(Image.open(saved))] == [SURVEY_LINK]
            async with page.expect_download() as svg:
                await page.locator("#qr-svg").click()
            assert "<svg" in Path(str(await (await svg.value).path())).read_text()

            await _answer_transit(emulator)
            await page.goto(served.url + "/")  # the figures refresh themselves: wait for the next count
            moved = localize_number(before + 1, "fa")
            await expect(page.locator(COMPLETED_TODAY)).to_have_text(moved, timeout=15_000)
            await page.goto(served.url + "/surveys/transit_check")
            modes = page.locator("figure.result").nth(2)  # the third counted question
            assert "قطار شهری" in await modes.inner_text()  # Metro, in Persian, chosen once
            await _shoot(opened, "survey", 1280)

            await page.goto(served.url + "/invites")
            await page.locator("#new-facilitator button").click()
            assert (await page.locator("#invite-link").inner_text()).startswith(f"https://t.me/{BOT_USERNAME}?start=i_")
            first = page.locator("#invites tbody tr").first
            assert await first.locator(".state-open").count() == 1
            await first.locator("button.danger").click()
            await page.wait_for_selector("#invites tbody tr:first-child .state-revoked")
            await _shoot(opened, "invites", 1280)

            meeting = await a_meeting(served.context, "hq.transport", today)
            await page.goto(served.url + f"/meetings/{meeting}")
            assert "ترافیک میدان شهدا" in await page.locator("#findings").inner_text()
            await _shoot(opened, "meeting", 1280)
            for name, path in (("meetings", "/meetings"), ("digests", "/digests")):
                await page.goto(served.url + path)
                await _shoot(opened, name, 1280)
            await page.locator("#weeks tbody tr a").first.click()
            await page.wait_for_selector("#figures")
            await _shoot(opened, "digest", 1280)
            base, digest = page.url, page.url.removeprefix(served.url)
            read = await page.request.get(base + "/digest.html")
            assert read.ok and "<html" in await read.text()
            workbook = await page.request.get(base + "/digest.xlsx")
            assert workbook.ok and (await workbook.body()).startswith(b"PK")  # a zip: the XLSX workbook
            exported = await page.request.get(served.url + "/surveys/transit_check/export.csv")
            table = (await exported.body()).decode("utf-8-sig")
            assert table.startswith("response,participant") and "7101" not in table  # pseudonyms only
            assert opened.errors == []

    async with open_page(browser, PHONE, phone=True) as phone:
        await sign_in_page(phone.page, await _link(served))
        for name, path in (
            ("surveys", "/surveys"),
            ("survey", "/surveys/transit_check"),
            ("survey-preview", "/surveys/transit_check/preview?language=fa"),
            ("invites", "/invites"),
            ("meetings", "/meetings"),
            ("meeting", f"/meetings/{meeting}"),
            ("digests", "/digests"),
            ("digest", digest),
        ):
            await phone.page.goto(served.url + path)
            await _shoot(phone, name, PHONE[0])
        assert phone.errors == []


async def _link(served: Served) -> str:
    from backend.console import signin

    return signin.link_url(served.context, await signin.create_link(served.context, ADMIN))
