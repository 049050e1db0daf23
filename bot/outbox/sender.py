"""The rate-limited sender: claims due outbox messages and sends them within Telegram's limits.

Each message is claimed (committed, with a lease) before its HTTP call and marked in a short
transaction right after it (outcomes that arrive together share one commit); see
``backend.services.outbox`` for what that guarantees after a crash. At most ``max_unsettled``
requests are under way or answered-but-unrecorded at any moment, which bounds what a crash can send
twice. A 429 pauses every send for its ``retry_after`` and the same message is tried again; a 403
marks the chat unreachable and tells the admins; another 400 fails the message with Telegram's
words; network and server errors are retried with exponential backoff up to ``max_attempts``.
"""

from __future__ import annotations

import asyncio
import logging
import math
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Any

from aiogram import Bot
from aiogram.exceptions import (
    TelegramAPIError,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.methods import TelegramMethod
from aiogram.types import Message
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from backend.locales import DEFAULT_LANGUAGE, pick_language
from backend.models import OutboxMessage, utcnow
from backend.participants import service as participants
from backend.services import outbox
from bot.outbox.limiter import RateLimiter
from bot.outbox.more import needs_more
from bot.outbox.notices import notify_unreachable
from bot.outbox.requests import build_request

log = logging.getLogger("meydan.outbox")
DATABASE_AWAY = (DBAPIError, OSError)  # a refused or reset connection reaches us unwrapped by SQLAlchemy
Mark = Callable[..., Awaitable[bool]]
_SETTLE_PAUSES = (0.2, 1.0, 3.0)
MAX_UNSETTLED = 16


@dataclass
class SendCounts:
    """What one sender did: sent, 429s waited out, retries after errors, failures, blocked chats,
    and messages handed back unsent (lease too short or the sender stopping)."""

    sent: int = 0
    throttled: int = 0
    retried: int = 0
    failed: int = 0
    unreachable: int = 0
    released: int = 0

    def as_dict(self) -> dict[str, int]:
        """The counts, JSON-ready."""
        return asdict(self)


class OutboxSender:
    """Sends the outbox through ``bot`` at up to ``global_rate`` messages/s and ``chat_rate``/s per chat.

    ``lease``: how long a claimed message is this sender's (a sender that dies holds its messages that
    long); requests time out after a third of it. ``max_unsettled``: requests under way or answered but
    not yet recorded, at most; a crash can send no more than these twice. ``clock`` gives the aware UTC
    time stored in the outbox. Run it with ``run(stop)``, or ``drain()`` to send what is queued and return.
    """

    def __init__(
        self,
        bot: Bot,
        sessions: async_sessionmaker[AsyncSession],
        *,
        admin_ids: Sequence[int] = (),
        global_rate: float = 25.0,
        chat_rate: float = 1.0,
        lease: timedelta = outbox.DEFAULT_LEASE,
        poll_interval: float = 0.5,
        max_attempts: int = 8,
        max_unsettled: int = MAX_UNSETTLED,
        backoff: tuple[float, float] = (2.0, 300.0),
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.bot = bot
        self.sessions = sessions
        self.admin_ids = tuple(admin_ids)
        self.limiter = RateLimiter(global_rate, chat_rate)
        self.lease = lease
        self.request_timeout = max(1, math.floor(lease.total_seconds() / 3))
        self.poll_interval = poll_interval
        self.max_attempts = max_attempts
        self.backoff = backoff
        self.clock = clock
        self.capacity = max(1, math.ceil(global_rate))
        self.counts = SendCounts()
        self._tasks: dict[asyncio.Task[None], int] = {}
        self._in_request: set[int] = set()
        self._stopping = False
        self._writing = asyncio.Lock()  # one outbox transaction at a time: SQLite has one writer anyway
        self._unsettled = asyncio.Semaphore(max_unsettled)
        self._marks: list[tuple[Mark, OutboxMessage, dict[str, Any], asyncio.Future[bool]]] = []

    async def run(self, stop: asyncio.Event) -> None:
        """Send due messages until ``stop`` is set; requests under way finish, waiting messages are released."""
        await self._loop(stop, until_empty=False)

    async def drain(self, timeout: float | None = None) -> SendCounts:
        """Send until nothing is pending or being sent (including other senders' leases); this sender's counts."""
        await asyncio.wait_for(self._loop(asyncio.Event(), until_empty=True), timeout)
        return self.counts

    async def _loop(self, stop: asyncio.Event, *, until_empty: bool) -> None:
        self._stopping = False
        stopped = asyncio.ensure_future(stop.wait())
        try:
            while not stop.is_set():
                try:
                    for message in await self._claim(self.capacity - len(self._tasks)):
                        self._start(message)
                    if until_empty and not self._tasks and await self._queue_empty():
                        return
                except DATABASE_AWAY as exc:  # the database is briefly away: try again after the pause
                    log.warning("outbox: cannot claim messages: %s", exc.__class__.__name__)
                await asyncio.wait(
                    {stopped, *self._tasks}, timeout=self.poll_interval, return_when=asyncio.FIRST_COMPLETED
                )
        finally:
            stopped.cancel()
            await self._wind_down()

    async def _claim(self, limit: int) -> list[OutboxMessage]:
        if limit <= 0:
            return []
        async with self._writing, self.sessions() as session, session.begin():
            return await outbox.claim_batch(session, limit, self.clock(), self.lease)

    async def _queue_empty(self) -> bool:
        async with self.sessions() as session:
            return await outbox.unfinished_count(session) == 0

    def _start(self, message: OutboxMessage) -> None:
        task = asyncio.create_task(self._deliver(message))
        self._tasks[task] = message.id
        task.add_done_callback(lambda done: self._tasks.pop(done, None))

    async def _wind_down(self) -> None:
        """Let requests under way finish; release the messages still waiting for their turn."""
        self._stopping = True
        for task, message_id in list(self._tasks.items()):
            if message_id not in self._in_request:
                task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    async def _deliver(self, message: OutboxMessage) -> None:
        """Send one claimed message, waiting out 429s, and record how it went."""
        try:
            try:
                request = build_request(message, await self._language(message))
            except (ValueError, OSError) as exc:
                await self._fail(message, f"cannot build the request: {exc}")
                return
            while True:
                if not self._stopping:
                    await self.limiter.chat_ready(message.chat_id)
                async with self._unsettled:  # the global slot is taken only now, so sends stay evenly spaced
                    if not self._stopping:
                        await self.limiter.acquire(message.chat_id)
                    if self._stopping or self._lease_left(message) < self.request_timeout:
                        await self._release(message)
                        return
                    retry_after = await self._attempt(message, request)
                if retry_after is None:
                    return
                self.counts.throttled += 1
                self.limiter.hold(retry_after)
                if self._lease_left(message) < retry_after + self.request_timeout:
                    await self._settle(
                        outbox.mark_retry,
                        message,
                        after=self.clock() + timedelta(seconds=retry_after),
                        error="429 Too Many Requests",
                    )
                    return
        except asyncio.CancelledError:
            if message.id not in self._in_request:  # never reached Telegram: hand it back at once
                await self._release(message)
            raise
        except Exception:  # a bug must not stop the sender; the lease brings the message back
            log.exception("outbox: unexpected error sending message %s", message.id)
        finally:
            self._in_request.discard(message.id)

    async def _language(self, message: OutboxMessage) -> str:
        """The recipient's language, looked up only for a message that gets a "more" button."""
        if not needs_more(message.payload):
            return DEFAULT_LANGUAGE
        async with self.sessions() as session:
            known = await participants.by_messenger_id(session, message.chat_id)
        return pick_language(known.language if known else None)

    async def _attempt(self, message: OutboxMessage, request: TelegramMethod[Message]) -> int | None:
        """One HTTP call and its outcome recorded; a 429's ``retry_after`` is returned instead."""
        self._in_request.add(message.id)
        try:
            result = await self.bot(request, request_timeout=self.request_timeout)
        except TelegramRetryAfter as exc:
            self._in_request.discard(message.id)  # refused: nothing was delivered
            return exc.retry_after
        except TelegramForbiddenError as exc:
            await self._unreachable(message, exc.message)
        except (TelegramNetworkError, TelegramServerError) as exc:
            await self._retry_later(message, f"{exc.__class__.__name__}: {exc.message}")
        except TelegramAPIError as exc:
            await self._fail(message, exc.message)
        else:
            if await self._settle(outbox.mark_sent, message, sent_message_id=result.message_id, now=self.clock()):
                self.counts.sent += 1
        return None

    def _lease_left(self, message: OutboxMessage) -> float:
        assert message.not_before is not None  # a claimed message carries its lease
        return (message.not_before - self.clock()).total_seconds()

    async def _settle(self, mark: Mark, message: OutboxMessage, **values: Any) -> bool:
        """Record an outcome at once, retried if the database is briefly away (a sent message left
        unmarked would be sent again when its lease ends)."""
        for pause in _SETTLE_PAUSES:
            try:
                return await self._mark(mark, message, **values)
            except DATABASE_AWAY as exc:
                log.warning("outbox: cannot record message %s yet: %s", message.id, exc.__class__.__name__)
                await asyncio.sleep(pause)
        return await self._mark(mark, message, **values)

    async def _mark(self, mark: Mark, message: OutboxMessage, **values: Any) -> bool:
        """Queue an outcome; whoever gets to write first commits every queued one in one transaction."""
        recorded = asyncio.get_running_loop().create_future()
        self._marks.append((mark, message, values, recorded))
        async with self._writing:
            if not recorded.done():
                await self._commit_marks()
        return bool(recorded.result())

    async def _commit_marks(self) -> None:
        batch, self._marks = self._marks, []
        try:
            async with self.sessions() as session, session.begin():
                results = [await mark(session, message, **values) for mark, message, values, _ in batch]
        except DATABASE_AWAY as exc:  # each waiting caller retries on its own
            for *_, recorded in batch:
                recorded.set_exception(exc)
            return
        for (*_, recorded), result in zip(batch, results, strict=True):
            recorded.set_result(result)

    async def _release(self, message: OutboxMessage) -> None:
        await asyncio.shield(self._settle(outbox.mark_retry, message, after=self.clock()))
        self.counts.released += 1

    async def _fail(self, message: OutboxMessage, error: str) -> None:
        log.warning("outbox: message %s (%s) failed: %s", message.id, message.dedupe_key, error)
        if await self._settle(outbox.mark_failed, message, error=error):
            self.counts.failed += 1

    async def _retry_later(self, message: OutboxMessage, error: str) -> None:
        if message.attempts >= self.max_attempts:
            await self._fail(message, f"{error} (gave up after {message.attempts} attempts)")
            return
        base, ceiling = self.backoff
        delay = min(ceiling, base * 2 ** (message.attempts - 1))
        log.warning("outbox: message %s (%s): %s; trying again in %.0f s", message.id, message.dedupe_key, error, delay)
        if await self._settle(outbox.mark_retry, message, after=self.clock() + timedelta(seconds=delay), error=error):
            self.counts.retried += 1

    async def _unreachable(self, message: OutboxMessage, error: str) -> None:
        async with self._writing, self.sessions() as session, session.begin():
            if not await outbox.mark_unreachable(session, message, now=self.clock(), error=error):
                return
            await notify_unreachable(session, self.admin_ids, message)
        self.counts.unreachable += 1
