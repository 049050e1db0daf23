"""Benchmark of the web console: the dashboard's figures over a million survey answers, and page latency
while twenty staff browse at once.

The answers are seeded in bulk over the year up to now (``sandbox.bench.aggregation.seeded``), so the
dashboard's fortnight holds what a busy year's fortnight holds. The figures are timed in this process;
then ``meydan web`` runs as its own process and twenty signed-in staff browse the dashboard, its
polled figures and the people page over HTTP, a second or so between pages.
"""

from __future__ import annotations

import asyncio
import os
import random
import socket
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from statistics import median
from time import perf_counter

import aiohttp
from sqlalchemy.engine import URL

from backend.config import load_settings
from backend.console import signin
from backend.context import AppContext
from backend.dashboard.figures import dashboard
from backend.db import create_engine, session_factory
from backend.jalali import utcnow
from sandbox.bench.aggregation import seeded
from sandbox.bench.databases import each_database
from sandbox.bench.options import BenchOptions, Figures
from sandbox.bench.stats import latency_ms

ANSWERS = (1_000_000, 50_000)  # default, --quick
STAFF = 20
BROWSE_SECONDS = (30, 8)
PAGES = ("/", "/dashboard/figures", "/people")
ADMIN = 1
SECRET = "bench-console-secret-key-of-32-characters"
TIMINGS = 5  # dashboard counts timed after the first


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def _time_dashboard(context: AppContext) -> dict[str, float]:
    seconds = []
    for _ in range(TIMINGS + 1):
        started = perf_counter()
        await dashboard(context)
        seconds.append(perf_counter() - started)
    return {"dashboard_first_seconds": round(seconds[0], 3), "dashboard_seconds": round(median(seconds[1:]), 3)}


async def _serve(env: dict[str, str], port: int, log: Path) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "web", "--port", str(port)],
        env={**os.environ, **env},
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )
    async with aiohttp.ClientSession() as http:
        for _ in range(600):
            if process.poll() is not None:
                raise RuntimeError(f"meydan web exited; see {log}")
            try:
                async with http.get(f"http://127.0.0.1:{port}/healthz") as answer:
                    if answer.status == 200:
                        return process
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.1)
    process.terminate()
    raise RuntimeError(f"meydan web did not answer; see {log}")


async def _browse(base: str, link_token: str, until: float, rng: random.Random) -> list[float]:
    """One staff member: sign in, then open pages one after another with a pause between them."""
    seconds: list[float] = []
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
        async with http.post(f"{base}/signin", data={"token": link_token}, allow_redirects=False) as signed:
            assert signed.status == 303, await signed.text()
        await asyncio.sleep(rng.uniform(0, 1.5))  # staff arrive one by one, not all in the same millisecond
        while perf_counter() < until:
            started = perf_counter()
            async with http.get(base + rng.choice(PAGES)) as page:
                await page.read()
                assert page.status == 200, page.status
            seconds.append(perf_counter() - started)
            await asyncio.sleep(rng.uniform(0.5, 1.5))
    return seconds


async def _measure(options: BenchOptions, variant: str, url: URL) -> Figures:
    answers = options.size or ANSWERS[options.quick]
    staff = options.concurrency or STAFF
    port = _free_port()
    env = {
        "MEYDAN_DATABASE_URL": url.render_as_string(hide_password=False),
        "MEYDAN_DATA_DIR": str(options.scratch / f"console-{variant}"),
        "MEYDAN_SECRET_KEY": SECRET,
        "MEYDAN_ADMIN_IDS": str(ADMIN),
        "MEYDAN_WEB_URL": f"http://127.0.0.1:{port}",
    }
    options.progress(0, 3, f"{variant}: seeding {answers:,} answers")
    async with seeded(answers, url, seed=0, start=utcnow() - timedelta(days=365)) as (plan, _):
        settings = load_settings(
            database_url=env["MEYDAN_DATABASE_URL"], data_dir=env["MEYDAN_DATA_DIR"], secret_key=SECRET,
            admin_ids=str(ADMIN), web_url=env["MEYDAN_WEB_URL"],
        )  # fmt: skip
        engine = create_engine(settings.db_url)
        context = AppContext(settings=settings, plan=plan, engine=engine, sessions=session_factory(engine))
        try:
            options.progress(1, 3, f"{variant}: timing the dashboard")
            figures: Figures = {"answers": answers, **await _time_dashboard(context)}
            tokens = [await signin.create_link(context, ADMIN) for _ in range(staff)]
        finally:
            await engine.dispose()
        options.progress(2, 3, f"{variant}: {staff} staff browsing")
        server = await _serve(env, port, options.scratch / f"console-{variant}.log")
        try:
            until = perf_counter() + BROWSE_SECONDS[options.quick]
            rng = random.Random(1)
            runs = await asyncio.gather(
                *(_browse(env["MEYDAN_WEB_URL"], token, until, random.Random(rng.random())) for token in tokens)
            )
        finally:
            server.terminate()
            server.wait(timeout=30)
    seconds = [s for run in runs for s in run]
    return {**figures, "staff": staff, "pages": len(seconds), "page_latency_ms": latency_ms(seconds), "aim": {
        "dashboard_seconds": 1, "page_p99_ms": 300}}  # fmt: skip


async def run(options: BenchOptions) -> Figures:
    """The dashboard over N answers (1,000,000) and page latency with 20 staff, on SQLite and PostgreSQL."""
    return await each_database(options, lambda variant, url: _measure(options, variant, url))
