"""``meydan demo --serve``: after the cycle the console stays up on the demo's database, with a sign-in link."""

from __future__ import annotations

import asyncio
import contextlib
import io
import re
from pathlib import Path

import httpx
import pytest
from rich.console import Console

from sandbox.demo import run_demo
from tests.console.conftest import free_port

LINK = re.compile(r"Console: (http://\S+/signin\?token=[\w-]+)")


@pytest.mark.slow  # the whole demo cycle first
async def test_the_demo_leaves_the_console_running_with_a_sign_in_link(tmp_path: Path) -> None:
    out = io.StringIO()
    port = free_port()
    demo = asyncio.create_task(
        run_demo(tmp_path / "demo", Console(file=out, width=200), citizens=2, serve=("127.0.0.1", port))
    )
    try:
        for _ in range(3000):
            found = LINK.search(out.getvalue())
            if found or demo.done():
                break
            await asyncio.sleep(0.1)
        assert found, out.getvalue()
        link = found.group(1)
        assert link.startswith(f"http://127.0.0.1:{port}/signin?token=")
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client:
            token = link.split("token=", 1)[1]
            assert (await client.get(f"/signin?token={token}")).status_code == 200
            assert (await client.post("/signin", data={"token": token})).status_code == 303
            dashboard = await client.get("/")
            assert dashboard.status_code == 200 and "پیشخوان مشارکت" in dashboard.text
            assert 'data-measure="completed"><dt>پاسخ‌های کامل</dt><dd><span class="value">۲</span>' in dashboard.text
    finally:
        demo.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await demo
