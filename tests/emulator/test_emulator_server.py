"""Serving: ``serve_forever`` for the CLI, and a prompt shutdown even with long polls pending."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import time

import aiohttp
import pytest

from sandbox.emulator import running_emulator, serve_forever
from tests.emulator.conftest import TOKEN

pytestmark = pytest.mark.asyncio


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def test_serve_forever_answers_until_cancelled() -> None:
    port = free_port()
    server = asyncio.create_task(serve_forever("127.0.0.1", port, flood_limits=True))
    async with aiohttp.ClientSession() as session:
        for _ in range(100):
            with contextlib.suppress(aiohttp.ClientConnectionError):
                async with session.get(f"http://127.0.0.1:{port}/bot{TOKEN}/getMe") as resp:
                    assert (await resp.json())["result"]["username"] == "meydan_test_bot"
                    break
            await asyncio.sleep(0.02)
        else:
            pytest.fail("serve_forever never answered")
        async with session.get(f"http://127.0.0.1:{port}/_emulator/{TOKEN}/flood") as resp:
            assert (await resp.json())["result"]["enabled"] is True
    server.cancel()
    with pytest.raises(asyncio.CancelledError):
        await server


async def test_shutdown_ends_pending_long_polls() -> None:
    started = time.monotonic()
    async with aiohttp.ClientSession() as session:
        async with running_emulator() as emu:
            poll = asyncio.create_task(session.post(f"{emu.base_url}/bot{TOKEN}/getUpdates", json={"timeout": 30}))
            await asyncio.sleep(0.05)
        resp = await poll
        assert (await resp.json())["result"] == []
        resp.release()
    assert time.monotonic() - started < 3
