"""Pages as a person sees them: Debian's headless Chromium driven by Playwright.

Playwright launches ``/usr/bin/chromium`` (``executable_path``: it downloads no browser of its own).
Tests take the ``browser`` fixture (tests/conftest.py) and open a page of the size they need with
``open_page``; each page keeps what it reported as an error.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

from playwright.async_api import Browser, ConsoleMessage, Error, Page, Request, async_playwright

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
TIMEOUT_MS = 30_000  # for one browser step


@asynccontextmanager
async def launched() -> AsyncIterator[Browser]:
    """Headless Chromium, closed afterwards."""
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=ARGS, timeout=TIMEOUT_MS
        )
        try:
            yield browser
        finally:
            await browser.close()


@dataclass
class BrowserPage:
    """A page and the errors it reported: console errors and asserts, uncaught exceptions, failed loads."""

    page: Page
    errors: list[str] = field(default_factory=list)

    def _console(self, message: ConsoleMessage) -> None:
        if message.type in ("error", "assert"):
            self.errors.append(message.text)

    def _exception(self, error: Error) -> None:
        self.errors.append(f"uncaught: {error.message}")

    def _failed(self, request: Request) -> None:
        self.errors.append(f"failed to load {request.url}: {request.failure}")

    async def screenshot(self, path: Path) -> Path:
        """A full-page PNG of what the page shows now."""
        path.parent.mkdir(exist_ok=True)
        await self.page.screenshot(path=path, full_page=True)
        print(f"screenshot: {path}")
        return path


@asynccontextmanager
async def open_page(browser: Browser, size: tuple[int, int], *, phone: bool = False) -> AsyncIterator[BrowserPage]:
    """A page in a window of ``size`` (a phone: mobile viewport with touch), closed afterwards."""
    width, height = size
    context = await browser.new_context(
        viewport={"width": width, "height": height}, device_scale_factor=1, is_mobile=phone, has_touch=phone
    )
    try:
        context.set_default_timeout(TIMEOUT_MS)
        page = BrowserPage(await context.new_page())
        page.page.on("console", page._console)
        page.page.on("pageerror", page._exception)
        page.page.on("requestfailed", page._failed)
        yield page
    finally:
        await context.close()
