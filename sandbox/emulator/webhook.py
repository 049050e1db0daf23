"""Webhook delivery like Telegram's: up to ``max_connections`` updates in flight, one chat's updates in order.

Updates of one chat (of one user for updates without a chat, e.g. a callback query on an inline message)
go one after another: the next is posted once the previous one was answered 2xx. A failed post is retried
with a growing pause before that chat's later updates; other chats go on meanwhile. A method sent back in
the reply body is run like a call of the bot.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from aiohttp import ClientError, ClientSession, ClientTimeout, TCPConnector

from sandbox.emulator.errors import ApiError
from sandbox.emulator.params import Params, Uploads, read_body
from sandbox.emulator.updates import Update, update_type

if TYPE_CHECKING:
    from sandbox.emulator.state import BotState

logger = logging.getLogger(__name__)

ReplyHandler = Callable[[str, Params, Uploads], Awaitable[Any]]
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
_TIMEOUT = ClientTimeout(total=60)
_BACKOFF, _BACKOFF_MAX = 0.05, 5.0


class WebhookRejected(Exception):
    """The webhook answered with a non-2xx status."""


def order_key(update: Update) -> int | None:
    """The chat whose updates must arrive in order (a private chat's id is its user's id); None: any order."""
    payload = update.get(update_type(update))
    if not isinstance(payload, dict):
        return None
    chat = payload.get("chat") or (payload.get("message") or {}).get("chat")
    sender = chat or payload.get("from") or payload.get("user")
    return sender.get("id") if isinstance(sender, dict) else None


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
        self._sending: dict[int, int | None] = {}  # update_id -> order key, of the updates being posted
        self._delivered: set[int] = set()  # answered, but still queued behind an update not yet answered

    async def enable(self, url: str, secret_token: str | None, max_connections: int, on_reply: ReplyHandler) -> None:
        """Set the URL and (re)start delivery; ``on_reply`` runs a method the webhook answers with."""
        await self.disable()
        self.url, self.secret_token, self.max_connections = url, secret_token, max_connections
        self._task = asyncio.create_task(self._deliver(on_reply), name=f"webhook {url}")

    async def disable(self) -> None:
        """Remove the URL and stop delivery (updates in flight stay pending)."""
        self.url, self.secret_token = "", None
        self.last_error_date = self.last_error_message = None
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._sending.clear()
        self._delivered.clear()

    def info(self) -> dict[str, Any]:
        """The ``WebhookInfo`` object."""
        info: dict[str, Any] = {
            "url": self.url,
            "has_custom_certificate": False,
            "pending_update_count": len(self.bot.updates) - len(self._delivered),
        }
        if self.url:
            info["max_connections"] = self.max_connections
            info["allowed_updates"] = sorted(self.bot.updates.allowed)
        if self.last_error_date is not None:
            info["last_error_date"] = self.last_error_date
            info["last_error_message"] = self.last_error_message
        return info

    def _ready(self) -> list[Update]:
        """Updates to post now: each chat's next one unless that chat has one in flight, within max_connections."""
        free = self.max_connections - len(self._sending)
        chosen: list[Update] = []
        taken = {key for key in self._sending.values() if key is not None}
        for update in self.bot.updates.peek(len(self.bot.updates)) if free > 0 else ():
            update_id, key = update["update_id"], order_key(update)
            if update_id in self._delivered or update_id in self._sending or key in taken:
                continue
            if key is not None:
                taken.add(key)
            chosen.append(update)
            if len(chosen) == free:
                break
        return chosen

    async def _deliver(self, on_reply: ReplyHandler) -> None:
        posting: set[asyncio.Task[None]] = set()
        async with ClientSession(timeout=_TIMEOUT, connector=TCPConnector(limit=self.max_connections)) as session:
            try:
                while not self.bot.notifier.closed:
                    for update in await self.bot.notifier.wait_until(self._ready, timeout=60):
                        self._sending[update["update_id"]] = order_key(update)
                        task = asyncio.create_task(self._deliver_one(session, update, on_reply))
                        posting.add(task)
                        task.add_done_callback(posting.discard)
            finally:
                for task in posting:
                    task.cancel()
                await asyncio.gather(*posting, return_exceptions=True)

    async def _deliver_one(self, session: ClientSession, update: Update, on_reply: ReplyHandler) -> None:
        """Post ``update`` until it is answered 2xx, then confirm every update answered so far in a row."""
        failures = 0
        while True:
            try:
                await self._post(session, update, on_reply)
                break
            except (ClientError, TimeoutError, WebhookRejected) as exc:
                failures += 1
                self.last_error_date = int(time.time())
                self.last_error_message = str(exc) or type(exc).__name__
                await asyncio.sleep(min(_BACKOFF * 2**failures, _BACKOFF_MAX))
        del self._sending[update["update_id"]]
        self._delivered.add(update["update_id"])
        self._confirm()
        self.bot.notifier.notify()

    def _confirm(self) -> None:
        """Drop the answered updates at the head of the queue."""
        pending = self.bot.updates.peek(len(self.bot.updates))
        head = next(
            (u["update_id"] for u in pending if u["update_id"] not in self._delivered),
            pending[-1]["update_id"] + 1 if pending else 0,
        )
        self.bot.updates.confirm(head)
        self._delivered = {update_id for update_id in self._delivered if update_id >= head}

    async def _post(self, session: ClientSession, update: Update, on_reply: ReplyHandler) -> None:
        headers = {SECRET_HEADER: self.secret_token} if self.secret_token else {}
        async with session.post(self.url, json=update, headers=headers) as resp:
            if not 200 <= resp.status < 300:
                raise WebhookRejected(f"Wrong response from the webhook: {resp.status} {resp.reason}")
            try:
                params, uploads = await read_body(
                    resp.headers, resp.content, max_upload=self.bot.limits.upload_max_bytes
                )
            except ApiError as exc:  # delivered all the same: Telegram ignores a reply it cannot use
                logger.warning("unusable webhook reply to update %s: %s", update["update_id"], exc.description)
                return
        method = params.pop("method", None)
        if isinstance(method, str):
            try:
                await on_reply(method, params, uploads)
            except ApiError as exc:
                logger.warning("method %s in the webhook reply failed: %s", method, exc.description)
