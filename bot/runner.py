"""Running the bot: long polling against MEYDAN_API_BASE until SIGINT/SIGTERM."""

from __future__ import annotations

import asyncio
import gc
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from aiogram import Bot, Dispatcher
from aiogram.exceptions import TelegramAPIError, TelegramUnauthorizedError
from aiohttp import ClientError

from backend.config import Settings
from backend.errors import ConfigError
from bot.app import create_bot, open_app, publish_commands
from bot.scheduling import leader_duties

log = logging.getLogger("meydan.bot")


async def check_bot_api(bot: Bot, api_base: str) -> None:
    """Call getMe once; a rejected token or an unreachable API becomes a one-line ConfigError."""
    try:
        me = await bot.get_me()
    except TelegramUnauthorizedError:
        raise ConfigError(f"the Bot API at {api_base} rejected MEYDAN_BOT_TOKEN; check the token") from None
    except (TelegramAPIError, ClientError, OSError, asyncio.TimeoutError) as exc:
        raise ConfigError(f"cannot reach the Bot API at {api_base} ({exc.__class__.__name__}); check MEYDAN_API_BASE") from None
    log.info("connected as @%s (%s) to %s", me.username, me.id, api_base)


async def run_polling(
    settings: Settings,
    *,
    handle_signals: bool = True,
    started: asyncio.Future[Dispatcher] | None = None,
) -> None:
    """Serve updates by long polling; ``started`` receives the dispatcher once polling begins.

    Meanwhile the process campaigns for leadership; the leader also runs the scheduler and the outbox sender.
    """
    bot = create_bot(settings)
    try:
        await check_bot_api(bot, settings.api_base)
        async with open_app(settings) as (app, dp), leader_duties(bot, app):
            await publish_commands(bot)
            gc.collect()
            gc.freeze()  # start-up objects live for good: full collections stop rescanning them
            if started is not None:
                dp.startup.register(lambda: started.set_result(dp) if not started.done() else None)
            await dp.start_polling(bot, handle_signals=handle_signals, close_bot_session=False, polling_timeout=20)
    finally:
        await bot.session.close()


@asynccontextmanager
async def running_bot(settings: Settings, *, start_timeout: float = 60) -> AsyncIterator[Dispatcher]:
    """The bot polling as ``meydan run`` does, for the length of the block (demo, tests, benchmarks)."""
    started: asyncio.Future[Dispatcher] = asyncio.get_running_loop().create_future()
    task = asyncio.create_task(run_polling(settings, handle_signals=False, started=started))
    done, _ = await asyncio.wait({task, started}, timeout=start_timeout, return_when=asyncio.FIRST_COMPLETED)
    if task in done:
        task.result()  # raises why the bot could not start
    if not started.done():
        task.cancel()
        raise TimeoutError("the bot did not start polling in time")
    dp = started.result()
    try:
        yield dp
    finally:
        await dp.stop_polling()
        await task
