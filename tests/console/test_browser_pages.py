"""The console's own pages in Chromium, signed in through the link flow: keyboard, phone width, screenshots."""

from __future__ import annotations

from tests.console.conftest import ARTIFACTS, Console

WIDTHS = {"1280": (1280, 900), "400": (400, 860)}


async def test_the_dashboard_and_people_pages_at_desktop_and_phone_widths(served: Console, page_as) -> None:
    for label, size in WIDTHS.items():
        page = await page_as("admin", size=size)
        await page.page.wait_for_selector("#figures")
        assert await page.page.locator("html").get_attribute("dir") == "rtl"
        width = await page.page.evaluate("document.documentElement.scrollWidth")
        assert width <= size[0], f"the page is {width} px wide in a {size[0]} px window"
        await page.screenshot(ARTIFACTS / f"console-dashboard-{label}.png")
        await page.page.goto(served.url + "/people")
        await page.page.wait_for_selector("h1")
        await page.screenshot(ARTIFACTS / f"console-people-{label}.png")
        assert page.errors == []


async def test_the_skip_link_is_the_first_tab_stop_and_english_is_one_click_away(served: Console, page_as) -> None:
    page = await page_as(("member", "drafting_committee"))
    await page.page.keyboard.press("Tab")
    assert await page.page.evaluate("document.activeElement.getAttribute('href')") == "#main"
    await page.page.keyboard.press("Enter")
    await page.page.get_by_role("link", name="English").click()
    await page.page.wait_for_selector("html[lang=en]")
    assert await page.page.locator("html").get_attribute("dir") == "ltr"
    assert await page.page.get_by_role("heading", level=1).inner_text() == "Participation dashboard"
    assert page.errors == []
