"""Running the bot until SIGINT/SIGTERM: long polling, a webhook worker, or the scheduler alone.

Every mode connects to MEYDAN_API_BASE (adapted to the messenger, see ``bot.messengers``), opens the
application and, unless told not to, campaigns for leadership: the leader also runs the scheduler and
the outbox sender (``bot.scheduling``).
"""

from __future__ import annotations

import asyncio
import fcntl
import gc
import logging
import signal
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, AsyncExitStack, asynccontextmanager, nullcontext
from pathlib import Path
from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.exceptions import TelegramAPIError, TelegramUnauthorizedError
from aiohttp import ClientError
from sqlalchemy.exc import SQLAlchemyError

from backend.config import Settings
from backend.context import AppContext
from backend.errors import ConfigError
from bot.app import create_bot, open_app
from bot.messengers import adapt, publish_menu
from bot.scheduling import leader_duties
from bot.scheduling.leader import LeaderElection, PostgresLeaderLock
from bot.sessions import KEY_PREFIX
from bot.webhook import forget_registration, serving_webhook

log = logging.getLogger("meydan.bot")

# Each update allocates thousands of short-lived objects (pydantic models, SQL rows): with Python's default
# (700, 10, 10) the youngest generation was collected every few updates, 0.7 ms of CPU per update in
# all; collecting it every 50,000 allocations costs 0.1 ms, for a little more memory between collections.
GC_THRESHOLDS = (50_000, 20, 20)


async def check_bot_api(bot: Bot, api_base: str) -> None:
    """Call getMe once; a rejected token or an unreachable API becomes a one-line ConfigError."""
    try:
        me = await bot.get_me()
    except TelegramUnauthorizedError:
        raise ConfigError(f"the Bot API at {api_base} rejected MEYDAN_BOT_TOKEN; check the token") from None
    except (TimeoutError, TelegramAPIError, ClientError, OSError) as exc:
        raise ConfigError(
            f"cannot reach the Bot API at {api_base} ({exc.__class__.__name__}); check MEYDAN_API_BASE"
        ) from None
    log.info("connected as @%s (%s) to %s", me.username, me.id, api_base)


@asynccontextmanager
async def connected_bot(settings: Settings) -> AsyncIterator[Bot]:
    """A bot fitted to the messenger whose API answered getMe; its HTTP session is closed at the end."""
    bot = create_bot(settings)
    adapt(bot, settings.messenger or "telegram")
    try:
        await check_bot_api(bot, settings.api_base)
        yield bot
    finally:
        await bot.session.close()


@asynccontextmanager
async def starting_alone(settings: Settings) -> AsyncIterator[None]:
    """Start up (migrate, install the bundled surveys) one process at a time.

    Processes started together (webhook workers, the scheduler) would otherwise race to create the
    same tables and rows. On PostgreSQL a session advisory lock, on SQLite a lock on a file beside
    the database; both end with their process, so a crash frees them.
    """
    url = settings.db_url
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        async with _locked_file(Path(f"{url.database}.start-up.lock")):
            yield
        return
    if url.get_backend_name() != "postgresql":
        yield
        return
    lock = PostgresLeaderLock(settings.db_url, f"{KEY_PREFIX}:start-up")
    try:
        while True:
            try:
                if await lock.acquire():
                    break
            except (SQLAlchemyError, OSError):  # unreachable: starting up says why, in one line
                break
            await asyncio.sleep(0.5)
        yield
    finally:
        await lock.release()


@asynccontextmanager
async def _locked_file(path: Path) -> AsyncIterator[None]:
    """An exclusive ``flock`` on ``path`` (created if missing), waited for in a thread."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as lock:
        await asyncio.to_thread(fcntl.flock, lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


@asynccontextmanager
async def serving(
    settings: Settings, bot: Bot, *, duties: bool = True
) -> AsyncIterator[tuple[AppContext, Dispatcher, LeaderElection | None]]:
    """The application and its dispatcher; with ``duties`` this process also campaigns for leadership."""
    async with AsyncExitStack() as stack:
        async with starting_alone(settings):
            app, dp = await stack.enter_async_context(open_app(settings))
        campaign: AbstractAsyncContextManager[LeaderElection | None] = (
            leader_duties(bot, app) if duties else nullcontext()
        )
        election = await stack.enter_async_context(campaign)
        gc.collect()
        gc.freeze()  # start-up objects live for good: full collections stop rescanning them
        gc.set_threshold(*GC_THRESHOLDS)
        yield app, dp, election


async def until_stopped() -> None:
    """Wait for SIGINT or SIGTERM."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    signals = (signal.SIGINT, signal.SIGTERM)
    for signum in signals:
        loop.add_signal_handler(signum, stop.set)
    try:
        await stop.wait()
    finally:
        for signum in signals:
            loop.remove_signal_handler(signum)


UPDATES_AT_ONCE = 32  # handled concurrently; more wait in the messenger's queue instead of for a database connection


async def run_polling(
    settings: Settings,
    *,
    handle_signals: bool = True,
    started: asyncio.Future[Dispatcher] | None = None,
    duties: bool = True,
) -> None:
    """Serve updates by long polling; ``started`` receives the dispatcher once polling begins."""
    async with connected_bot(settings) as bot, serving(settings, bot, duties=duties) as (_, dp, _):
        await remove_webhook(settings, bot)
        await publish_menu(bot)
        if started is not None:
            dp.startup.register(lambda: started.set_result(dp) if not started.done() else None)
        await dp.start_polling(
            bot,
            handle_signals=handle_signals,
            close_bot_session=False,
            polling_timeout=20,
            tasks_concurrency_limit=UPDATES_AT_ONCE,
        )


async def remove_webhook(settings: Settings, bot: Bot) -> None:
    """Polling and a webhook exclude each other: delete a webhook left set (its pending updates stay)."""
    try:
        if not (await bot.get_webhook_info()).url:
            return
        await bot.delete_webhook()
    except TelegramAPIError as exc:
        log.warning("could not check or delete the webhook (%s); polling anyway", exc)
        return
    await forget_registration(settings, bot.id)
    log.warning("deleted the webhook to poll instead; `meydan run --webhook` sets it again")


async def run_webhook(settings: Settings, *, duties: bool = True) -> None:
    """One webhook worker: serve updates POSTed to MEYDAN_WEBHOOK_URL until SIGINT/SIGTERM."""
    settings.require_webhook_url()
    async with (
        connected_bot(settings) as bot,
        serving(settings, bot, duties=duties) as (_, dp, election),
        serving_webhook(settings, bot, dp, election),
    ):
        await until_stopped()


async def run_scheduler(settings: Settings) -> None:
    """The leader's duties only (scheduler and outbox sender), no updates served: ``meydan scheduler``."""
    async with connected_bot(settings) as bot, serving(settings, bot):
        await until_stopped()


@asynccontextmanager
async def running_bot(settings: Settings, *, start_timeout: float = 60) -> AsyncIterator[Dispatcher]:
    """The bot polling as ``meydan run`` does, for the length of the block (demo, tests, benchmarks)."""
    started: asyncio.Future[Dispatcher] = asyncio.get_running_loop().create_future()
    task = asyncio.create_task(run_polling(settings, handle_signals=False, started=started))
    waited: set[asyncio.Future[Any]] = {task, started}
    done, _ = await asyncio.wait(waited, timeout=start_timeout, return_when=asyncio.FIRST_COMPLETED)
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
