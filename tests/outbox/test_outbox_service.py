"""The outbox service on SQLite and PostgreSQL: idempotent enqueue, claims, fencing, marks."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.engine import URL
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from backend.db import create_engine, session_factory
from backend.models import OutboxMessage, Participant, utcnow
from backend.services import outbox

Sessions = async_sessionmaker[AsyncSession]


def _text(key: str, chat_id: int) -> outbox.Outgoing:
    return outbox.Outgoing(key, chat_id, "sendMessage", {"text": key})


async def _claim(sessions: Sessions, limit: int = 100, *, after: timedelta = timedelta()) -> list[OutboxMessage]:
    async with sessions() as session, session.begin():
        return await outbox.claim_batch(session, limit, utcnow() + after)


async def _statuses(sessions: Sessions) -> dict[str, str]:
    async with sessions() as session:
        return dict((await session.execute(select(OutboxMessage.dedupe_key, OutboxMessage.status))).all())


async def test_enqueue_is_idempotent_by_key(sessions: Sessions) -> None:
    async with sessions() as session, session.begin():
        first = await outbox.enqueue(session, key="agenda:1", chat_id=7, method="sendMessage", payload={"text": "a"})
        again = await outbox.enqueue(session, key="agenda:1", chat_id=7, method="sendMessage", payload={"text": "b"})
        added = await outbox.enqueue_many(session, [_text("agenda:1", 7), _text("agenda:2", 7)])
    assert again.id == first.id and again.payload == {"text": "a"} and added == 1
    async with sessions() as session:
        assert (await outbox.summary(session)).counts["pending"] == 2


async def test_enqueue_checks_method_and_payload(sessions: Sessions) -> None:
    async with sessions() as session, session.begin():
        with pytest.raises(ValueError, match="not one of"):
            await outbox.enqueue(session, key="x", chat_id=1, method="sendSticker", payload={"sticker": "s"})
        with pytest.raises(ValueError, match="needs 'document'"):
            await outbox.enqueue(session, key="x", chat_id=1, method="sendDocument", payload={"caption": "c"})


async def test_claims_take_each_chats_oldest_message_in_order(sessions: Sessions) -> None:
    async with sessions() as session, session.begin():
        await outbox.enqueue_many(session, [_text("a1", 1), _text("b1", 2), _text("a2", 1), _text("a3", 1)])
    first = await _claim(sessions)
    assert [m.dedupe_key for m in first] == ["a1", "b1"]
    assert all(m.status == "sending" and m.attempts == 1 and m.not_before for m in first)
    assert await _claim(sessions) == []  # chat 1's next waits for a1; nothing else is due
    async with sessions() as session, session.begin():
        await outbox.mark_sent(session, first[0], sent_message_id=10, now=utcnow())
    assert [m.dedupe_key for m in await _claim(sessions)] == ["a2"]


async def test_an_expired_lease_is_claimed_again_and_fences_the_old_claim(sessions: Sessions) -> None:
    async with sessions() as session, session.begin():
        await outbox.enqueue_many(session, [_text("m", 1)])
    (stale,) = await _claim(sessions)
    (fresh,) = await _claim(sessions, after=outbox.DEFAULT_LEASE + timedelta(seconds=1))
    assert fresh.id == stale.id and fresh.attempts == 2
    async with sessions() as session, session.begin():
        assert not await outbox.mark_sent(session, stale, sent_message_id=1, now=utcnow())
        assert await outbox.mark_sent(session, fresh, sent_message_id=2, now=utcnow())
    assert await _statuses(sessions) == {"m": "sent"}


async def test_a_retry_waits_until_its_time(sessions: Sessions) -> None:
    async with sessions() as session, session.begin():
        await outbox.enqueue_many(session, [_text("m", 1)])
    (claimed,) = await _claim(sessions)
    async with sessions() as session, session.begin():
        assert await outbox.mark_retry(session, claimed, after=utcnow() + timedelta(seconds=30), error="429")
    assert await _claim(sessions) == []
    assert [m.dedupe_key for m in await _claim(sessions, after=timedelta(seconds=31))] == ["m"]


@pytest.mark.slow  # two senders racing over many claims
async def test_two_senders_never_claim_the_same_message(database_url: URL, sessions: Sessions) -> None:
    chats = 40
    async with sessions() as session, session.begin():
        await outbox.enqueue_many(session, [_text(f"m{n}", n % chats) for n in range(400)])
    engines = [create_engine(database_url) for _ in range(2)]
    try:
        claimers = [session_factory(engine) for engine in engines]

        async def take_all(own: Sessions) -> list[int]:
            taken: list[int] = []
            for _ in range(60):
                batch = await _claim(own, 7)
                async with own() as session, session.begin():
                    for message in batch:
                        await outbox.mark_sent(session, message, sent_message_id=None, now=utcnow())
                taken += [m.id for m in batch]
            return taken

        first, second = await asyncio.gather(*(take_all(own) for own in claimers))
    finally:
        for engine in engines:
            await engine.dispose()
    assert not set(first) & set(second)
    assert len(first) + len(second) == 400 and first and second


async def test_unreachable_marks_the_chat_and_its_participant(sessions: Sessions) -> None:
    async with sessions() as session, session.begin():
        session.add(Participant(pseudonym="p", telegram_id=5))
        await outbox.enqueue_many(session, [_text("a", 5), _text("b", 5), _text("c", 6)])
    claimed = await _claim(sessions)
    async with sessions() as session, session.begin():
        assert await outbox.mark_unreachable(session, claimed[0], now=utcnow(), error="Forbidden: blocked")
        assert not await outbox.mark_unreachable(session, claimed[0], now=utcnow(), error="again")
    assert await _statuses(sessions) == {"a": "unreachable", "b": "unreachable", "c": "sending"}
    async with sessions() as session:
        assert (await session.scalar(select(Participant))).unreachable_at is not None


async def test_failed_messages_can_be_retried_and_expired_leases_requeued(sessions: Sessions) -> None:
    async with sessions() as session, session.begin():
        await outbox.enqueue_many(session, [_text("a", 1), _text("b", 2)])
    a, b = await _claim(sessions)
    async with sessions() as session, session.begin():
        await outbox.mark_failed(session, a, "Bad Request: message is too long")
        assert (await outbox.summary(session)).failures == [("a", "Bad Request: message is too long")]
        assert await outbox.requeue_expired(session, utcnow()) == 0
        assert await outbox.requeue_expired(session, utcnow() + outbox.DEFAULT_LEASE) == 1
        assert await outbox.retry_failed(session) == 1
    assert await _statuses(sessions) == {"a": "pending", "b": "pending"}


def test_stored_files_are_content_addressed(tmp_path: Path) -> None:
    first = outbox.store_file(tmp_path, b"%PDF digest", "digest.pdf")
    again = outbox.store_file(tmp_path, b"%PDF digest", "../digest.pdf")
    assert first == again and first["filename"] == "digest.pdf"
    assert Path(first["path"]).read_bytes() == b"%PDF digest"
