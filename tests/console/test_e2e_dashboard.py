"""The console end to end: an admin asks the bot (over the emulator) for a /console link, signs in with it
in Chromium and sees the dashboard; a citizen answers the survey through the emulator and the dashboard's
count moves by itself (htmx polling)."""

from __future__ import annotations

import re

from playwright.async_api import expect

from backend.config import Settings
from backend.context import AppContext
from backend.db import create_engine, session_factory
from backend.plan import load_plan
from bot.runner import running_bot
from console.app import create_app
from sandbox.emulator.users import SimulatedUser
from tests.browser import open_page
from tests.console.conftest import ARTIFACTS, free_port, serving, sign_in_page
from tests.e2e.citizens import join, to_the_problem
from tests.e2e.conftest import TOKEN, emulator, settings_for  # noqa: F401  (fixtures)

ADMIN = 7001
LINK = re.compile(r"https?://\S+/signin\?token=[\w-]+")
COMPLETED_TODAY = "#today [data-measure=completed] .value"


async def _console_link(user: SimulatedUser) -> str:
    await user.send("/console")
    message = await user.wait_for_message(contains="/signin?token=")
    found = LINK.search(message["text"])
    assert found, message["text"]
    return found.group(0)


async def _complete_survey(user: SimulatedUser) -> None:
    await join(user, "منطقه ۹")
    await to_the_problem(user)
    await user.send("کمبود پارکینگ در خیابان امام رضا")
    await user.wait_for_message(contains="کدام محور")
    await user.press("حمل‌ونقل و ترافیک")
    await user.wait_for_message()
    await user.send("پارکینگ طبقاتی بسازید")
    await user.wait_for_message(contains="مرور پاسخ‌ها")
    await user.press("ارسال نهایی ✅")
    await user.wait_for_message(contains="سپاس")


async def test_sign_in_through_the_bot_and_watch_a_citizen_move_the_dashboard(
    settings_for,  # noqa: F811
    emulator,  # noqa: F811
    browser,
) -> None:  # type: ignore[no-untyped-def]
    settings: Settings = settings_for(admin_ids=[ADMIN], web_url=f"http://127.0.0.1:{free_port()}")
    engine = create_engine(settings.db_url)
    context = AppContext(settings=settings, plan=load_plan(), engine=engine, sessions=session_factory(engine))
    try:
        async with (
            running_bot(settings),
            serving(create_app(context, refresh_seconds=1, figures_ttl=0), settings.web_url),
        ):
            admin = emulator.user(TOKEN, user_id=ADMIN, first_name="دبیرخانه", language_code="fa")
            link = await _console_link(admin)
            stranger = emulator.user(TOKEN, user_id=7002, first_name="شهروند", language_code="fa")
            await stranger.send("/console")
            assert "هیچ‌یک از این نقش‌ها" in (await stranger.wait_for_message())["text"]

            async with open_page(browser, (1280, 900)) as page:
                await sign_in_page(page.page, link)
                await page.page.wait_for_selector(COMPLETED_TODAY)
                assert await page.page.locator(COMPLETED_TODAY).inner_text() == "۰"
                await _complete_survey(emulator.user(TOKEN, user_id=7003, first_name="زهرا", language_code="fa"))
                await expect(page.page.locator(COMPLETED_TODAY)).to_have_text("۱", timeout=15_000)
                district = page.page.locator("tr", has_text="منطقه ۹").first
                assert "۱" in await district.inner_text()
                await page.screenshot(ARTIFACTS / "console-dashboard-after-a-citizen-1280.png")
                assert page.errors == []
            async with open_page(browser, (1280, 900)) as again:  # the link worked once
                await sign_in_page(again.page, link)
                assert "پیش‌تر به کار رفته" in await again.page.inner_text("main")
    finally:
        await engine.dispose()
