"""Webhook mode: each worker process serves an aiohttp endpoint that checks the secret and feeds the dispatcher.

An update is answered once it has been handled, not before: a worker that dies mid-update answers
nothing, the messenger delivers the update again, and the handlers' claims make the repeat harmless.
The secret comes in the ``X-Telegram-Bot-Api-Secret-Token`` header (Telegram) or as the last segment of
the URL's path (Bale, whose ``setWebhook`` takes only a URL); a post with neither is answered 401 and
not handled. ``GET /healthz`` answers ``{"status": "ok", "pid", "leader"}`` for health checks.

Several workers can share one port (``SO_REUSEPORT``, see ``bot.workers``) or sit behind a proxy; the
conversation state is in Redis, and a Redis lock picks the one worker that calls ``setWebhook`` (once
per URL and secret: the registered configuration is recorded in Redis).
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from typing import Any
from urllib.parse import urlsplit

from aiogram import Bot, Dispatcher
from aiogram.exceptions import TelegramAPIError
from aiogram.methods import TelegramMethod
from aiogram.types import Update
from aiohttp import ClientError, web
from redis.asyncio import Redis
from redis.exceptions import RedisError

from backend.config import Settings
from backend.errors import ConfigError
from bot.messengers import publish_menu
from bot.scheduling.duties import process_owner
from bot.scheduling.leader import LeaderElection, RedisLeaderLock
from bot.sessions import KEY_PREFIX, connect_redis

log = logging.getLogger("meydan.webhook")
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
HEALTH_PATH = "/healthz"
_REGISTER_LOCK_TTL = 30.0
_RETRY_MAX = 60.0


def registration(settings: Settings) -> tuple[str, str | None]:
    """The URL to give ``setWebhook`` and its ``secret_token`` (None on Bale: the secret ends the URL)."""
    url, secret = settings.require_webhook_url(), settings.webhook_secret_token()
    if settings.messenger == "bale":
        return f"{url.rstrip('/')}/{secret}", None
    return url, secret


class UpdateEndpoint:
    """POSTed updates: refused without the secret, otherwise handled before the answer."""

    def __init__(self, bot: Bot, dp: Dispatcher, secret: str) -> None:
        self.bot = bot
        self.dp = dp
        self._secret = secret.encode()

    async def handle(self, request: web.Request) -> web.Response:
        """Answer one POSTed update."""
        if not self._authentic(request):
            log.warning("refused an update without the right secret from %s", request.remote)
            return web.Response(status=401, text="Unauthorized")
        try:
            raw = await request.json(loads=self.bot.session.json_loads)
            update = Update.model_validate(raw, context={"bot": self.bot})
        except ValueError:  # not JSON, or not an Update (pydantic's ValidationError is a ValueError)
            return web.Response(status=400, text="Bad Request")
        reply: TelegramMethod[Any] | None = await self.dp.feed_webhook_update(self.bot, update)
        if reply is not None:
            await self.dp.silent_call_request(self.bot, reply)
        return web.json_response({})

    def _authentic(self, request: web.Request) -> bool:
        header = request.headers.get(SECRET_HEADER, "").encode()
        in_path = request.match_info.get("secret", "").encode()
        return hmac.compare_digest(header, self._secret) or hmac.compare_digest(in_path, self._secret)


def webhook_app(settings: Settings, bot: Bot, dp: Dispatcher, election: LeaderElection | None) -> web.Application:
    """Routes: POST the webhook's path (secret in the header) and ``path/{secret}``; GET /healthz."""
    endpoint = UpdateEndpoint(bot, dp, settings.webhook_secret_token())
    path = urlsplit(settings.require_webhook_url()).path.rstrip("/")
    app = web.Application()
    app.router.add_post(path or "/", endpoint.handle)
    app.router.add_post(f"{path}/{{secret}}", endpoint.handle)

    async def health(_: web.Request) -> web.Response:
        leader = None if election is None else election.is_leader
        return web.json_response({"status": "ok", "pid": os.getpid(), "leader": leader})

    app.router.add_get(HEALTH_PATH, health)
    return app


@asynccontextmanager
async def serving_webhook(
    settings: Settings, bot: Bot, dp: Dispatcher, election: LeaderElection | None
) -> AsyncIterator[None]:
    """Listen on MEYDAN_WEBHOOK_HOST:PORT (sharing the port with other workers) and register the webhook.

    On leaving, the listener closes first and updates being handled finish (up to 30 s).
    """
    runner = web.AppRunner(webhook_app(settings, bot, dp, election), access_log=None, shutdown_timeout=30)
    await runner.setup()
    try:
        site = web.TCPSite(runner, settings.webhook_host, settings.webhook_port, reuse_port=True)
        try:
            await site.start()
        except OSError as exc:
            raise ConfigError(
                f"cannot listen on {settings.webhook_host}:{settings.webhook_port} ({exc.strerror}); "
                "set MEYDAN_WEBHOOK_HOST / MEYDAN_WEBHOOK_PORT"
            ) from None
        log.info("webhook worker %s listening on %s:%s", os.getpid(), settings.webhook_host, settings.webhook_port)
        await dp.emit_startup(bot=bot, dispatcher=dp, **dp.workflow_data)
        registering = asyncio.create_task(register_webhook(settings, bot, dp))
        try:
            yield
        finally:
            registering.cancel()
            with suppress(asyncio.CancelledError):
                await registering
    finally:
        await runner.cleanup()
        await dp.emit_shutdown(bot=bot, dispatcher=dp, **dp.workflow_data)


def _fingerprint(url: str, secret: str | None) -> str:
    return hashlib.sha256(f"{url}\n{secret}".encode()).hexdigest()[:32]


def _registered_key(bot_id: int) -> str:
    """The Redis key holding the fingerprint of the registered webhook configuration."""
    return f"{KEY_PREFIX}:{bot_id}:webhook"


async def register_webhook(settings: Settings, bot: Bot, dp: Dispatcher) -> None:
    """Point the messenger at MEYDAN_WEBHOOK_URL and publish the command menu, from one worker only.

    Without Redis there is one process, which registers. With Redis a lock picks the worker; the others
    wait until the configuration is recorded as registered (and take over if the chosen one fails or dies).
    A failed ``setWebhook`` is retried with a growing pause.
    """
    url, secret = registration(settings)
    shown = url.replace(settings.webhook_secret_token(), "<secret>")
    redis = Redis.from_url(settings.redis_url) if settings.redis_url else None  # connects (again) when used
    try:
        pause = 1.0
        while True:
            try:
                if await _register_once(bot, dp, redis, url, secret):
                    log.info("webhook set to %s", shown)
                    await publish_menu(bot)
                else:
                    log.info("the webhook is set to %s by another worker", shown)
                return
            except (TimeoutError, TelegramAPIError, ClientError, RedisError, OSError) as exc:
                log.warning("could not set the webhook to %s (%s); trying again in %.0f s", shown, exc, pause)
            await asyncio.sleep(pause)
            pause = min(pause * 2, _RETRY_MAX)
    finally:
        if redis is not None:
            await redis.aclose()


async def _register_once(bot: Bot, dp: Dispatcher, redis: Redis | None, url: str, secret: str | None) -> bool:
    """True when this worker set the webhook; False when it is (now) registered by another; raises on failure."""
    allowed = dp.resolve_used_update_types()
    if redis is None:
        await bot.set_webhook(url, secret_token=secret, allowed_updates=allowed)
        return True
    fingerprint, key = _fingerprint(url, secret), _registered_key(bot.id)
    lock = RedisLeaderLock(redis, f"{key}:lock", process_owner(), ttl=_REGISTER_LOCK_TTL)
    while True:
        if await redis.get(key) == fingerprint.encode() and (await bot.get_webhook_info()).url == url:
            return False
        if await lock.acquire():
            try:
                await bot.set_webhook(url, secret_token=secret, allowed_updates=allowed)
                await redis.set(key, fingerprint)
                return True
            finally:
                await lock.release()
        await asyncio.sleep(1.0)


async def forget_registration(settings: Settings, bot_id: int) -> None:
    """After ``deleteWebhook``: the next webhook workers must register again."""
    if settings.redis_url:
        redis = await connect_redis(settings.redis_url)
        try:
            await redis.delete(_registered_key(bot_id))
        finally:
            await redis.aclose()
