"""``meydan web`` and ``meydan web link`` as processes, and the compose file's ``web`` service."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from tests.console.conftest import free_port
from tests.deploy.test_compose import SERVICES

ADMIN = 4242


def _env(tmp_path: Path, port: int) -> dict[str, str]:
    return {
        **os.environ,
        "MEYDAN_DATA_DIR": str(tmp_path / "data"),
        "MEYDAN_DATABASE_URL": "",
        "MEYDAN_REDIS_URL": "",
        "MEYDAN_ADMIN_IDS": str(ADMIN),
        "MEYDAN_SECRET_KEY": "web-command-test-secret-of-32-chars!",
        "MEYDAN_WEB_URL": f"http://127.0.0.1:{port}",
    }


def test_the_web_service_listens_where_compose_and_its_health_check_look() -> None:
    web = SERVICES["web"]
    port = web["command"][web["command"].index("--port") + 1]
    assert any(mapping.endswith(f":{port}") for mapping in web["ports"])
    assert f"127.0.0.1:{port}/healthz" in " ".join(web["healthcheck"]["test"])


@pytest.mark.slow  # two processes start
async def test_meydan_web_serves_and_web_link_signs_the_first_admin_in(tmp_path: Path) -> None:
    port = free_port()
    env = _env(tmp_path, port)
    meydan = [sys.executable, "-m", "bot"]
    link = subprocess.run([*meydan, "web", "link", "--user", str(ADMIN)], env=env, capture_output=True, text=True)
    assert link.returncode == 0, link.stderr
    url = link.stdout.split()[0]
    assert url.startswith(f"http://127.0.0.1:{port}/signin?token=")
    stranger = subprocess.run([*meydan, "web", "link", "--user", "5"], env=env, capture_output=True, text=True)
    assert stranger.returncode == 1 and "not an admin" in stranger.stdout
    server = subprocess.Popen([*meydan, "web", "--port", str(port)], env=env)
    try:
        for _ in range(300):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1) as answer:
                    assert answer.read() == b"ok"
                    break
            except OSError:
                await asyncio.sleep(0.1)
        else:
            pytest.fail("meydan web did not answer")
        with urllib.request.urlopen(url, timeout=5) as page:
            assert "ورود به میز کار" in page.read().decode()
    finally:
        server.terminate()
        assert server.wait(timeout=30) in (0, -signal.SIGTERM)  # uvicorn shuts down, then re-raises the signal
