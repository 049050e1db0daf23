"""The digest's HTML as a person sees it: rendered by Debian's headless Chromium, driven over the
DevTools protocol. Persian reads right to left, English left to right, every chart image loads,
nothing is logged as an error and the page does not scroll sideways on a phone. Full-page
screenshots (desktop and a 400 px phone) are kept in ``test-artifacts/``.

Without Chromium the test is skipped, or fails when MEYDAN_TEST_REQUIRE_SERVICES is set (CI)."""

from __future__ import annotations

import asyncio
import base64
import itertools
import json
import shutil
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from backend.db import transaction
from backend.digest.build import build_digest
from backend.digest.period import week_period
from backend.plan import Plan
from reports.digest import DigestFiles, write_digest
from reports.labels import label
from tests.conftest import REQUIRE_ENV, _require_services
from tests.digest.conftest import BUILT, Sessions, build_fixture

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
TIMEOUT = 30.0  # seconds for one browser step
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


@pytest.fixture(scope="session")
def chromium() -> str:
    """Debian's Chromium, or skip (fail under MEYDAN_TEST_REQUIRE_SERVICES)."""
    found = shutil.which("chromium")
    if found is None:
        message = "chromium is not installed (apt-get install chromium; .ci/run does)"
        if _require_services():
            pytest.fail(f"{message} but {REQUIRE_ENV} is set")
        pytest.skip(message)
    return found


class DevTools:
    """One page of a running Chromium, over its DevTools websocket: calls and collected events."""

    def __init__(self, socket: aiohttp.ClientWebSocketResponse) -> None:
        self.socket = socket
        self.events: list[dict[str, Any]] = []
        self._ids = itertools.count(1)
        self._waiting: dict[int, asyncio.Future[dict[str, Any]]] = {}

    async def read(self) -> None:
        """Hand replies to their callers and keep events, until the socket closes."""
        async for message in self.socket:
            data = json.loads(message.data)
            if "id" in data:
                self._waiting.pop(data["id"]).set_result(data)
            else:
                self.events.append(data)

    async def call(self, method: str, **params: Any) -> dict[str, Any]:
        """Send one command and return its result (an error reply raises)."""
        number = next(self._ids)
        self._waiting[number] = asyncio.get_running_loop().create_future()
        await self.socket.send_json({"id": number, "method": method, "params": params})
        reply = await asyncio.wait_for(self._waiting[number], TIMEOUT)
        if "error" in reply:
            raise RuntimeError(f"{method}: {reply['error']}")
        return reply["result"]

    async def evaluate(self, expression: str) -> Any:
        """The value of a JavaScript expression in the page (promises awaited)."""
        result = await self.call("Runtime.evaluate", expression=expression, awaitPromise=True, returnByValue=True)
        if "exceptionDetails" in result:
            raise RuntimeError(f"page script failed: {result['exceptionDetails']}")
        return result["result"]["value"]

    def errors(self) -> list[str]:
        """Console errors, uncaught exceptions and error log entries (failed loads) seen so far."""
        found = []
        for event in self.events:
            params = event.get("params", {})
            if event["method"] == "Runtime.consoleAPICalled" and params["type"] in ("error", "assert"):
                found.append(" ".join(str(a.get("value", a.get("description"))) for a in params["args"]))
            elif event["method"] == "Runtime.exceptionThrown":
                found.append(params["exceptionDetails"].get("text", "exception"))
            elif event["method"] == "Log.entryAdded" and params["entry"]["level"] == "error":
                found.append(params["entry"]["text"])
        return found


async def _devtools_port(profile: Path, process: asyncio.subprocess.Process) -> int:
    """The port Chromium chose (it writes it into the profile once it listens)."""
    written = profile / "DevToolsActivePort"
    for _ in range(int(TIMEOUT / 0.1)):
        if process.returncode is not None:
            raise RuntimeError(f"chromium exited with {process.returncode}")
        if written.exists() and (lines := written.read_text().splitlines()):
            return int(lines[0])
        await asyncio.sleep(0.1)
    raise TimeoutError("chromium did not open its DevTools port")


@asynccontextmanager
async def browser_page(chromium: str, workdir: Path) -> AsyncIterator[DevTools]:
    """A headless ``chromium`` with a fresh profile in ``workdir`` and its one page, closed afterwards."""
    profile = workdir / "chromium-profile"
    log = (workdir / "chromium.log").open("wb")
    process = await asyncio.create_subprocess_exec(
        chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
        "--disable-extensions", "--hide-scrollbars", "--remote-debugging-address=127.0.0.1",
        "--remote-debugging-port=0", f"--user-data-dir={profile}", "about:blank",
        stdin=asyncio.subprocess.DEVNULL, stdout=log, stderr=log)
    try:
        port = await _devtools_port(profile, process)
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=TIMEOUT)) as http:
            async with http.get(f"http://127.0.0.1:{port}/json/list") as listed:
                target = next(t for t in await listed.json() if t["type"] == "page")
            async with http.ws_connect(target["webSocketDebuggerUrl"], max_msg_size=0) as socket:
                page = DevTools(socket)
                reader = asyncio.create_task(page.read())
                try:
                    for domain in ("Page", "Runtime", "Log"):
                        await page.call(f"{domain}.enable")
                    yield page
                finally:
                    reader.cancel()
    finally:
        if process.returncode is None:
            process.terminate()
            try:
                await asyncio.wait_for(process.wait(), TIMEOUT)
            except TimeoutError:
                process.kill()
                await process.wait()
        log.close()


async def show(page: DevTools, url: str, size: tuple[int, int], *, phone: bool = False) -> dict[str, Any]:
    """Load ``url`` in a window of ``size`` (a phone: touch viewport) and inspect the page."""
    width, height = size
    await page.call("Emulation.setDeviceMetricsOverride", width=width, height=height, deviceScaleFactor=1,
                    mobile=phone)
    await page.call("Page.navigate", url=url)
    await page.evaluate("new Promise(done => document.readyState === 'complete' ? done(true)"
                        " : addEventListener('load', () => done(true)))")
    return await page.evaluate(INSPECT)


async def screenshot(page: DevTools, path: Path) -> Path:
    """A full-page PNG of what the page shows now."""
    size = (await page.call("Page.getLayoutMetrics"))["cssContentSize"]
    shot = await page.call("Page.captureScreenshot", format="png", captureBeyondViewport=True,
                           clip={"x": 0, "y": 0, "width": size["width"], "height": size["height"], "scale": 1})
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(base64.b64decode(shot["data"]))
    print(f"digest screenshot: {path}")
    return path


@pytest.fixture
async def written(sqlite_sessions: Sessions, plan: Plan, tmp_path: Path,
                  request: pytest.FixtureRequest) -> tuple[str, DigestFiles, str]:
    """The fixed data set's digest of 1403-W08 written in the test's language, with its period label."""
    lang = request.param
    async with transaction(sqlite_sessions) as session:
        await build_fixture(session, plan)
        digest = await build_digest(session, plan, week_period(1403, 8), top=3, now=BUILT)
    return lang, write_digest(digest, lang, tmp_path / "digest"), digest.period.label(lang)


@pytest.mark.parametrize("written", ["fa", "en"], indirect=True)
async def test_digest_page_in_chromium(chromium: str, written: tuple[str, DigestFiles, str], tmp_path: Path) -> None:
    lang, files, period = written
    rtl = lang == "fa"
    assert any(chart.name.startswith("survey-") for chart in files.charts), "the data set must chart a survey"
    async with browser_page(chromium, tmp_path) as page:
        seen = await show(page, files.html.as_uri(), DESKTOP)
        desktop = await screenshot(page, ARTIFACTS / f"digest-{lang}.png")
        on_phone = await show(page, files.html.as_uri(), PHONE, phone=True)
        phone = await screenshot(page, ARTIFACTS / f"digest-{lang}-phone.png")
        errors = page.errors()

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
