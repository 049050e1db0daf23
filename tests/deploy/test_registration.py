"""Webhook registration with Redis: one ``setWebhook`` per configuration, however many workers start."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiogram import Bot, Dispatcher

from backend.config import Settings, load_settings
from bot.app import create_bot
from bot.runner import remove_webhook
from bot.webhook import register_webhook
from sandbox.emulator import RunningEmulator
from tests.deploy.conftest import TOKEN


@pytest.fixture
async def bots(emulator: RunningEmulator) -> AsyncIterator[list[Bot]]:
    """Three bots with sessions of their own, as three workers have."""
    settings = load_settings(bot_token=TOKEN, api_base=emulator.base_url)
    made = [create_bot(settings) for _ in range(3)]
    yield made
    for bot in made:
        await bot.session.close()


@pytest.mark.redis
async def test_one_set_webhook_per_configuration(
    tmp_path: Path, redis_url: str, emulator: RunningEmulator, bots: list[Bot]
) -> None:
    control = emulator.control(TOKEN)

    async def start_workers(settings: Settings) -> int:
        await asyncio.gather(*(register_webhook(settings, bot, Dispatcher()) for bot in bots))
        return len(await control.calls("setWebhook"))

    def configured(secret: str) -> Settings:
        return load_settings(
            bot_token=TOKEN,
            api_base=emulator.base_url,
            redis_url=redis_url,
            data_dir=tmp_path,
            webhook_url="http://127.0.0.1:9/hook",
            webhook_secret=secret,
        )

    first = configured("first")
    assert await start_workers(first) == 1
    assert len(await control.calls("setMyCommands")) == 2  # the menu (fa, en), by the one that registered
    assert await start_workers(first) == 1  # a restart with the same configuration
    assert await start_workers(configured("next")) == 2
    await remove_webhook(first, bots[0])  # someone polled meanwhile
    assert emulator.bot(TOKEN).webhook.url == ""
    assert await start_workers(first) == 3
    assert emulator.bot(TOKEN).webhook.url == "http://127.0.0.1:9/hook"
