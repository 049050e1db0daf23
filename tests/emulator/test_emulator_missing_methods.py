"""An emulator told to lack some methods answers them like an API that has none (Bale's gaps)."""

from __future__ import annotations

import pytest

from sandbox.emulator import RunningEmulator
from tests.emulator.conftest import TOKEN, RawCall

COMMANDS = {"commands": [{"command": "start", "description": "begin"}]}


@pytest.mark.parametrize("emu", [{"missing_methods": ["setMyCommands"]}], indirect=True)
async def test_a_missing_method_is_not_found_and_logged(api: RawCall, emu: RunningEmulator) -> None:
    for name in ("setMyCommands", "setmycommands"):  # method names are case-insensitive
        status, body = await api(name, json=COMMANDS)
        assert (status, body) == (404, {"ok": False, "error_code": 404, "description": "Not Found: method not found"})
    assert (await api("getMe"))[0] == 200
    assert [call["status"] for call in await emu.control(TOKEN).calls()] == [404, 404, 200]


async def test_by_default_every_method_is_there(api: RawCall) -> None:
    assert (await api("setMyCommands", json=COMMANDS))[0] == 200
