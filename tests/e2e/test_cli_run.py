"""``meydan run`` as a real process, and the one-line errors that stop it."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

import pytest

from tests.e2e.conftest import TOKEN

pytestmark = pytest.mark.slow  # every test runs meydan as a subprocess


def _env(tmp_path: Path, **values: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MEYDAN_")}
    env.update({"MEYDAN_DATA_DIR": str(tmp_path / "data"), "MEYDAN_SECRET_KEY": "cli-test-secret-key-of-32-characters"})
    env.update({f"MEYDAN_{k.upper()}": v for k, v in values.items()})
    return env


async def _meydan(env: dict[str, str], *args: str) -> tuple[int, str]:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", *args, env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
    )
    _, err = await asyncio.wait_for(process.communicate(), timeout=60)
    return process.returncode, err.decode()


@pytest.mark.parametrize(
    ("setting", "args", "expected"),
    [
        ({}, ("run",), "meydan: MEYDAN_BOT_TOKEN is not set"),
        ({"database_url": "mysql://db/x"}, ("db", "current"), "supports sqlite"),
        ({"database_url": "postgresql://postgres@127.0.0.1:1/x"}, ("db", "current"), "cannot connect to the database"),
        ({"plan_file": "/nonexistent/plan.yaml"}, ("plan", "check"), "plan file /nonexistent/plan.yaml: not found"),
        ({"admin_ids": "root"}, ("plan", "check"), "MEYDAN_ADMIN_IDS"),
        ({"secret_key": ""}, ("run",), "meydan: MEYDAN_SECRET_KEY: is empty; set it to at least 32 random characters"),
        ({"secret_key": "short"}, ("scheduler",), "meydan: MEYDAN_SECRET_KEY: is too short (5 characters)"),
    ],
)
async def test_configuration_errors_are_one_line(
    tmp_path: Path, setting: dict[str, str], args: tuple[str, ...], expected: str
) -> None:
    code, err = await _meydan(_env(tmp_path, **setting), *args)
    assert code == 1
    assert expected in err
    assert err.count("\n") == 1 and "Traceback" not in err


def _last_line(err: str) -> str:
    """``meydan run`` logs its steps; the error is the last line, alone."""
    return err.rstrip("\n").rsplit("\n", 1)[-1]


async def test_run_stops_on_unreachable_redis_and_broken_plan(tmp_path: Path, emulator) -> None:  # type: ignore[no-untyped-def]
    base = {"bot_token": TOKEN, "api_base": emulator.base_url}
    code, err = await _meydan(_env(tmp_path, **base, redis_url="redis://127.0.0.1:1/0"), "run")
    assert code == 1 and _last_line(err).startswith("meydan: cannot reach Redis at redis://127.0.0.1:1/0")
    broken = tmp_path / "plan.yaml"
    broken.write_text("code: x\nperiod: {start: 1404, end: 1401}\n", encoding="utf-8")
    code, err = await _meydan(_env(tmp_path, **base, plan_file=str(broken)), "run")
    assert code == 1 and _last_line(err).startswith(f"meydan: plan file {broken}: field ")
    code, err = await _meydan(_env(tmp_path, bot_token="1:bad", api_base="http://127.0.0.1:1"), "run")
    assert code == 1 and _last_line(err).startswith("meydan: cannot reach the Bot API at http://127.0.0.1:1")
    assert "Traceback" not in err


async def test_meydan_run_serves_and_stops_cleanly_on_sigterm(tmp_path: Path, emulator) -> None:  # type: ignore[no-untyped-def]
    env = _env(tmp_path, bot_token=TOKEN, api_base=emulator.base_url)
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
    )
    try:
        user = emulator.user(TOKEN, user_id=9901, first_name="Mina", language_code="fa")
        await user.start()
        welcome = await user.wait_for_message(contains="خوش آمدید", timeout=60)
        assert "میدان" in welcome["text"]
    finally:
        process.send_signal(signal.SIGTERM)
        _, err = await asyncio.wait_for(process.communicate(), timeout=30)
    assert process.returncode == 0, err.decode()
    assert "Traceback" not in err.decode()
