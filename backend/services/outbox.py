"""The outbox: every outgoing push is recorded before it is sent and marked sent or failed after.

A message's life: ``enqueue`` (pending; idempotent by its dedupe key) → ``claim_batch`` (sending, with
a lease kept in ``not_before``; ``attempts`` grows by one and fences the claim) → ``mark_sent``,
``mark_retry`` (pending again, not before a given time), ``mark_failed`` or ``mark_unreachable``.
A mark applies only while the row is still the caller's claim (same ``attempts``, still sending), so a
sender whose lease ran out cannot overwrite a newer claim. Only the oldest unfinished message of each
chat can be claimed: a chat's messages go out in order, one at a time, never by two senders at once.

Exactly once, honestly: Telegram's sendMessage has no idempotency key. The claim is committed before
the HTTP call and ``mark_sent`` commits in a short transaction right after it. If the process dies
after Telegram accepted a message but before that commit, the row is still ``sending``; once its lease
expires it is claimed and sent again. That window (one HTTP response and one commit per message in
flight) is the only place a duplicate can appear, and a send that timed out is retried the same way
(it may have arrived). A crash anywhere else loses nothing and doubles nothing. Marking a message sent
before the call would close the window only by turning the duplicate into a lost message.

Files: ``sendDocument``/``sendPhoto`` payloads hold the file as ``{"path": ..., "filename": ...}``
(``store_file`` keeps bytes under the data directory, content-addressed) or as a Telegram file_id/URL.
A kept file is deleted once every message naming it was delivered more than the retention ago
(``delivered_files``, ``delete_files``: the leader's ``outbox.prune_files`` job).
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import and_, exists, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from backend.context import AppContext
from backend.models import OutboxMessage, Participant
from backend.services.inserts import insert_ignoring

PENDING, SENDING, SENT, FAILED, UNREACHABLE = "pending", "sending", "sent", "failed", "unreachable"
STATUSES = (PENDING, SENDING, SENT, FAILED, UNREACHABLE)
UNFINISHED = (PENDING, SENDING)
REQUIRED_FIELD = {"sendMessage": "text", "sendDocument": "document", "sendPhoto": "photo"}
METHODS = tuple(REQUIRED_FIELD)
FILE_METHODS = ("sendDocument", "sendPhoto")  # whose payload may name a file kept by ``store_file``
DEFAULT_LEASE = timedelta(seconds=60)
_CHUNK = 500
_NO_SYNC = {"synchronize_session": False}  # bulk UPDATEs: no loaded objects to keep in step


@dataclass(frozen=True)
class Outgoing:
    """A message to enqueue: ``payload`` holds the Bot API parameters other than ``chat_id``."""

    key: str
    chat_id: int
    method: str
    payload: dict[str, Any]

    def row(self, not_before: datetime | None) -> dict[str, Any]:
        """The outbox row's values, after checking the method and its main parameter."""
        field = REQUIRED_FIELD.get(self.method)
        if field is None:
            raise ValueError(f"outbox method {self.method!r} is not one of {', '.join(METHODS)}")
        if not self.payload.get(field):
            raise ValueError(f"{self.method} needs {field!r} in its payload")
        return {
            "dedupe_key": self.key,
            "chat_id": self.chat_id,
            "method": self.method,
            "payload": self.payload,
            "status": PENDING,
            "attempts": 0,
            "not_before": not_before,
        }


@dataclass(frozen=True)
class Summary:
    """Counts by status, the oldest unfinished message's age and the latest failures (key, error)."""

    counts: dict[str, int]
    oldest_unfinished: datetime | None
    failures: list[tuple[str, str | None]]


async def enqueue(
    session: AsyncSession,
    *,
    key: str,
    chat_id: int,
    method: str,
    payload: dict[str, Any],
    not_before: datetime | None = None,
) -> OutboxMessage:
    """Record one message; a second enqueue with the same ``key`` returns the first row unchanged."""
    await enqueue_many(session, [Outgoing(key, chat_id, method, payload)], not_before=not_before)
    message = await session.scalar(select(OutboxMessage).where(OutboxMessage.dedupe_key == key))
    assert message is not None
    return message


async def enqueue_many(
    session: AsyncSession, messages: Sequence[Outgoing], *, not_before: datetime | None = None
) -> int:
    """Record many messages at once (a broadcast); keys already present are skipped. How many were new."""
    rows = [m.row(not_before) for m in messages]
    added = 0
    for start in range(0, len(rows), _CHUNK):
        added += await insert_ignoring(session, OutboxMessage, rows[start : start + _CHUNK], ["dedupe_key"])
    return added


def store_file(directory: Path, content: bytes, filename: str) -> dict[str, str]:
    """Keep ``content`` under ``directory/outbox/<sha256>/`` and return the payload value naming it.

    A file kept already is touched, so ``delete_files`` spares it while the new message is enqueued."""
    folder = directory / "outbox" / hashlib.sha256(content).hexdigest()
    path = folder / Path(filename).name
    if path.exists():
        path.touch()
    else:
        folder.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    return {"path": str(path.resolve()), "filename": path.name}


async def delivered_files(session: AsyncSession, before: datetime) -> set[Path]:
    """Stored files whose every message was delivered before ``before``: none that a message still
    waits to send (pending, sending, failed: it may be retried) or never delivered (unreachable)."""
    rows = await session.execute(
        select(OutboxMessage.method, OutboxMessage.payload, OutboxMessage.status, OutboxMessage.sent_at).where(
            OutboxMessage.method.in_(FILE_METHODS)
        )
    )
    delivered: set[Path] = set()
    kept: set[Path] = set()
    for method, payload, status, sent_at in rows.all():
        named = payload.get(REQUIRED_FIELD[method])
        if isinstance(named, dict) and named.get("path"):
            old = status == SENT and sent_at is not None and sent_at < before
            (delivered if old else kept).add(Path(named["path"]))
    return delivered - kept


def delete_files(directory: Path, paths: set[Path], before: datetime) -> int:
    """Delete those of ``paths`` that ``store_file`` kept under ``directory`` and did not touch since
    ``before``, with their folders; how many were deleted."""
    root = (directory / "outbox").resolve()
    deleted = 0
    for path in paths:
        try:
            if path.parent.parent != root or path.stat().st_mtime >= before.timestamp():
                continue
            path.unlink()
        except FileNotFoundError:  # deleted by an earlier run
            continue
        deleted += 1
        with contextlib.suppress(OSError):  # another file of the same content may still be there
            path.parent.rmdir()
    return deleted


def _due(row: type[OutboxMessage], now: datetime) -> Any:
    return and_(row.status.in_(UNFINISHED), or_(row.not_before.is_(None), row.not_before <= now))


async def claim_batch(
    session: AsyncSession, limit: int, now: datetime, lease: timedelta = DEFAULT_LEASE
) -> list[OutboxMessage]:
    """Take up to ``limit`` due messages, each the oldest unfinished one of its chat, for ``lease``.

    One UPDATE: PostgreSQL skips rows another sender has locked (``FOR UPDATE SKIP LOCKED``) and
    re-checks the due condition on rows changed meanwhile; SQLite runs writers one at a time. Either
    way two senders never take the same row. Expired leases (a sender that died) are due again.
    """
    if limit <= 0:
        return []
    candidate, earlier = aliased(OutboxMessage), aliased(OutboxMessage)
    older_unfinished = exists().where(
        earlier.chat_id == candidate.chat_id, earlier.id < candidate.id, earlier.status.in_(UNFINISHED)
    )
    picked = (
        select(candidate.id)
        .where(_due(candidate, now), ~older_unfinished)
        .order_by(candidate.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    claim = (
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(picked.scalar_subquery()), _due(OutboxMessage, now))
        .values(status=SENDING, not_before=now + lease, attempts=OutboxMessage.attempts + 1)
        .returning(OutboxMessage)
    )
    rows = (await session.scalars(claim, execution_options=_NO_SYNC)).all()
    return sorted(rows, key=lambda m: m.id)


async def _settle(session: AsyncSession, message: OutboxMessage, **values: Any) -> bool:
    """Apply ``values`` if ``message`` is still this claim (fencing by ``attempts``); whether it was."""
    result = await session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.id == message.id, OutboxMessage.attempts == message.attempts, OutboxMessage.status == SENDING
        )
        .values(**values),
        execution_options=_NO_SYNC,
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def mark_sent(
    session: AsyncSession, message: OutboxMessage, *, sent_message_id: int | None, now: datetime
) -> bool:
    """The Bot API accepted the message."""
    return await _settle(
        session, message, status=SENT, sent_at=now, sent_message_id=sent_message_id, not_before=None, error=None
    )


async def mark_retry(
    session: AsyncSession, message: OutboxMessage, *, after: datetime, error: str | None = None
) -> bool:
    """Send it again, not before ``after`` (a 429's retry_after, a network error's backoff, a release)."""
    return await _settle(session, message, status=PENDING, not_before=after, error=error)


async def mark_failed(session: AsyncSession, message: OutboxMessage, error: str) -> bool:
    """Give up on it (the Bot API refused it, or retries ran out); ``error`` says why."""
    return await _settle(session, message, status=FAILED, not_before=None, error=error)


async def mark_unreachable(session: AsyncSession, message: OutboxMessage, *, now: datetime, error: str) -> bool:
    """The user blocked the bot: this and every pending message to the chat become unreachable, and the
    chat's participant (if any) gets ``unreachable_at``. False if the claim was no longer the caller's."""
    if not await _settle(session, message, status=UNREACHABLE, not_before=None, error=error):
        return False
    await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.chat_id == message.chat_id, OutboxMessage.status == PENDING)
        .values(status=UNREACHABLE, not_before=None, error=error)
    )
    await session.execute(
        update(Participant).where(Participant.telegram_id == message.chat_id).values(unreachable_at=now)
    )
    return True


async def requeue_expired(session: AsyncSession, now: datetime) -> int:
    """Put messages whose sender's lease ran out back to pending (maintenance); how many."""
    result = await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.status == SENDING, OutboxMessage.not_before <= now)
        .values(status=PENDING, not_before=None)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


async def retry_failed(session: AsyncSession) -> int:
    """Queue every failed message again (after fixing what made it fail); how many."""
    result = await session.execute(
        update(OutboxMessage).where(OutboxMessage.status == FAILED).values(status=PENDING, not_before=None, error=None)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


async def unfinished_count(session: AsyncSession) -> int:
    """Messages still pending or being sent."""
    count = await session.scalar(select(func.count()).where(OutboxMessage.status.in_(UNFINISHED)))
    return int(count or 0)


async def summary(session: AsyncSession, failures: int = 5) -> Summary:
    """Counts by status (every status listed), the oldest unfinished message and the latest failures."""
    counts = dict.fromkeys(STATUSES, 0)
    rows = await session.execute(select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status))
    counts.update({status: int(n) for status, n in rows.all()})
    oldest = await session.scalar(
        select(func.min(OutboxMessage.created_at)).where(OutboxMessage.status.in_(UNFINISHED))
    )
    latest = await session.execute(
        select(OutboxMessage.dedupe_key, OutboxMessage.error)
        .where(OutboxMessage.status == FAILED)
        .order_by(OutboxMessage.id.desc())
        .limit(failures)
    )
    return Summary(counts, oldest, [(key, error) for key, error in latest.all()])


async def sent_to(app: AppContext, message_id: int, chat_id: int) -> OutboxMessage | None:
    """The outbox message, if it was addressed to ``chat_id`` (its "more" button answers that chat only)."""
    async with app.sessions() as session:
        message = await session.get(OutboxMessage, message_id)
    return message if message is not None and message.chat_id == chat_id else None
