"""Webhook delivery: POST each pending update to the bot's URL, run a method sent back in the reply."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from aiohttp import ClientError, ClientSession, ClientTimeout

from bot.emulator.errors import ApiError
from bot.emulator.params import Params, Uploads, read_body

if TYPE_CHECKING:
    from bot.emulator.state import BotState

logger = logging.getLogger(__name__)

ReplyHandler = Callable[[str, Params, Uploads], Awaitable[Any]]
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
_TIMEOUT = ClientTimeout(total=60)


class WebhookRejected(Exception):
    """The webhook answered with a non-2xx status."""


class Webhook:
    """A bot's webhook setting and, while a URL is set, the task delivering its updates."""

    def __init__(self, bot: BotState) -> None:
        self.bot = bot
        self.url = ""
        self.secret_token: str | None = None
        self.max_connections = 40
        self.last_error_date: int | None = None
        self.last_error_message: str | None = None
        self._task: asyncio.Task[None] | None = None

    async def enable(self, url: str, secret_token: str | None, max_connections: int, on_reply: ReplyHandler) -> None:
        """Set the URL and (re)start delivery; ``on_reply`` runs a method the webhook answers with."""
        await self.disable()
        self.url, self.secret_token, self.max_connections = url, secret_token, max_connections
        self._task = asyncio.create_task(self._deliver(on_reply), name=f"webhook {url}")

    async def disable(self) -> None:
        """Remove the URL and stop delivery (an update in flight stays pending)."""
        self.url, self.secret_token = "", None
        self.last_error_date = self.last_error_message = None
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    def info(self) -> dict[str, Any]:
        """The ``WebhookInfo`` object."""
        info: dict[str, Any] = {
            "url": self.url,
            "has_custom_certificate": False,
            "pending_update_count": len(self.bot.updates),
        }
        if self.url:
            info["max_connections"] = self.max_connections
            info["allowed_updates"] = sorted(self.bot.updates.allowed)
        if self.last_error_date is not None:
            info["last_error_date"] = self.last_error_date
            info["last_error_message"] = self.last_error_message
        return info

    async def _deliver(self, on_reply: ReplyHandler) -> None:
        failures = 0
        async with ClientSession(timeout=_TIMEOUT) as session:
            while not self.bot.notifier.closed:
                pending = await self.bot.notifier.wait_until(lambda: self.bot.updates.peek(1), timeout=60)
                if not pending:
                    continue
                try:
                    await self._post(session, pending[0], on_reply)
                except (ClientError, TimeoutError, WebhookRejected) as exc:
                    failures += 1
                    self.last_error_date = int(time.time())
                    self.last_error_message = str(exc) or type(exc).__name__
                    await asyncio.sleep(min(0.05 * 2**failures, 5.0))
                    continue
                failures = 0
                self.bot.updates.confirm(pending[0]["update_id"] + 1)

    async def _post(self, session: ClientSession, update: dict[str, Any], on_reply: ReplyHandler) -> None:
        headers = {SECRET_HEADER: self.secret_token} if self.secret_token else {}
        async with session.post(self.url, json=update, headers=headers) as resp:
            if not 200 <= resp.status < 300:
                raise WebhookRejected(f"Wrong response from the webhook: {resp.status} {resp.reason}")
            params, uploads = await read_body(resp.headers, resp.content, max_upload=self.bot.limits.upload_max_bytes)
        method = params.pop("method", None)
        if isinstance(method, str):
            try:
                await on_reply(method, params, uploads)
            except ApiError as exc:
                logger.warning("method %s in the webhook reply failed: %s", method, exc.description)
