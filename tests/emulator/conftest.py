"""Fixtures of the emulator tests: a running emulator, raw HTTP access and a real aiogram Bot."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import aiohttp
import pytest
import pytest_asyncio
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer

from sandbox.emulator import RunningEmulator, running_emulator

TOKEN = "123456789:TEST-token_abc"
USER_ID = 1001

RawCall = Callable[..., Awaitable[tuple[int, dict[str, Any]]]]


@pytest_asyncio.fixture
async def emu(request: pytest.FixtureRequest) -> AsyncIterator[RunningEmulator]:
    """A fresh emulator; ``@pytest.mark.parametrize("emu", [{...}], indirect=True)`` passes its options."""
    async with running_emulator(**getattr(request, "param", {})) as emulator:
        yield emulator


@pytest_asyncio.fixture
async def api(emu: RunningEmulator) -> AsyncIterator[RawCall]:
    """``await api("sendMessage", json=...)`` -> (HTTP status, JSON body), straight over HTTP."""
    async with aiohttp.ClientSession() as session:

        async def call(method: str, *, token: str = TOKEN, http: str = "POST", **kwargs: Any) -> tuple[int, Any]:
            async with session.request(http, f"{emu.base_url}/bot{token}/{method}", **kwargs) as resp:
                return resp.status, await resp.json()

        yield call


class PlainHttpSession(AiohttpSession):
    """aiogram's session minus the 250 ms wait for SSL connections on close (the emulator speaks plain HTTP)."""

    async def close(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()


@pytest_asyncio.fixture
async def bot(emu: RunningEmulator) -> AsyncIterator[Bot]:
    """A real aiogram Bot talking to the emulator."""
    bot = Bot(TOKEN, session=PlainHttpSession(api=TelegramAPIServer.from_base(emu.base_url)))
    yield bot
    await bot.session.close()
