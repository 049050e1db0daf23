"""The digest's HTML as a person sees it: rendered by Debian's headless Chromium, driven by
Playwright (``tests.browser``). Persian reads right to left, English left to right, every chart
image loads, nothing is logged as an error and the page does not scroll sideways on a phone. Full-page
screenshots (desktop and a 400 px phone) are kept in ``test-artifacts/``.

Without Chromium the test is skipped, or fails when MEYDAN_TEST_REQUIRE_SERVICES is set (CI)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import Browser

from backend.db import transaction
from backend.digest.build import build_digest
from backend.digest.period import week_period
from backend.plan import Plan
from reports.digest import DigestFiles, write_digest
from reports.labels import label
from tests.browser import BrowserPage, open_page
from tests.digest.conftest import BUILT, Sessions, build_fixture

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
DESKTOP = (1280, 900)
PHONE = (400, 800)

# Run in the page once it has loaded (fonts too): what the assertions read.
INSPECT = """(async () => {
  await document.fonts.ready;
  const h1 = document.querySelector('h1');
  const text = document.createRange();
  text.selectNodeContents(h1);
  const box = h1.getBoundingClientRect(), ink = text.getBoundingClientRect();
  const written = [...document.querySelectorAll('h1, h2, p, th, td.text, figcaption')];
  return {
    dir: document.documentElement.dir,
    title: document.title,
    heading: h1.textContent,
    body: document.body.innerText,
    bodyDirection: getComputedStyle(document.body).direction,
    directions: [...new Set(written.map(e => getComputedStyle(e).direction))],
    headingGap: {start: ink.left - box.left, end: box.right - ink.right},
    images: [...document.images].map(i => ({alt: i.alt, complete: i.complete, width: i.naturalWidth,
                                            shown: i.getBoundingClientRect().width})),
    pageWidth: document.documentElement.scrollWidth,
    viewWidth: window.innerWidth,
  };
})()"""


async def show(page: BrowserPage, url: str) -> dict[str, Any]:
    """Load ``url`` and inspect the page once it has loaded."""
    await page.page.goto(url, wait_until="load")
    return await page.page.evaluate(INSPECT)


@pytest.fixture
async def written(
    sqlite_sessions: Sessions, plan: Plan, tmp_path: Path, request: pytest.FixtureRequest
) -> tuple[str, DigestFiles, str]:
    """The fixed data set's digest of 1403-W08 written in the test's language, with its period label."""
    lang = request.param
    async with transaction(sqlite_sessions) as session:
        await build_fixture(session, plan)
        digest = await build_digest(session, plan, week_period(1403, 8), top=3, now=BUILT)
    return lang, write_digest(digest, lang, tmp_path / "digest"), digest.period.label(lang)


@pytest.mark.parametrize("written", ["fa", "en"], indirect=True)
async def test_digest_page_in_chromium(browser: Browser, written: tuple[str, DigestFiles, str]) -> None:
    lang, files, period = written
    rtl = lang == "fa"
    assert any(chart.name.startswith("survey-") for chart in files.charts), "the data set must chart a survey"
    async with open_page(browser, DESKTOP) as page:
        seen = await show(page, files.html.as_uri())
        desktop = await page.screenshot(ARTIFACTS / f"digest-{lang}.png")
    async with open_page(browser, PHONE, phone=True) as on_a_phone:
        on_phone = await show(on_a_phone, files.html.as_uri())
        phone = await on_a_phone.screenshot(ARTIFACTS / f"digest-{lang}-phone.png")
    errors = page.errors + on_a_phone.errors

    direction = "rtl" if rtl else "ltr"
    assert seen["dir"] == direction and seen["bodyDirection"] == direction
    assert seen["directions"] == [direction], "every heading, paragraph and cell reads the page's way"
    gap = seen["headingGap"]  # the title's text sits at the start side: right in Persian, left in English
    assert (gap["end"] < 1 < gap["start"]) if rtl else (gap["start"] < 1 < gap["end"]), gap
    title = label("digest.title", lang)
    assert seen["heading"] == title and seen["title"].startswith(title)
    assert period in seen["body"]
    assert len(seen["images"]) == len(files.charts)
    for image in seen["images"] + on_phone["images"]:
        assert image["complete"] and image["width"] > 0, f"chart not shown: {image['alt']}"
    assert all(0 < image["shown"] <= PHONE[0] for image in on_phone["images"]), "charts fit a phone's width"
    assert on_phone["viewWidth"] == PHONE[0] and on_phone["pageWidth"] <= PHONE[0], "the page scrolls sideways"
    assert errors == []
    assert desktop.stat().st_size > 0 and phone.stat().st_size > 0
