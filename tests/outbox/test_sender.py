"""The sender against the emulator over HTTP, with Telegram's flood limits on."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest
from aiogram import Bot
from PIL import Image
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from backend.models import OutboxMessage, Participant
from backend.services import outbox
from bot.outbox import OutboxSender
from sandbox.bench.broadcast import broadcast, delivery, emulator_bot, open_chats
from sandbox.emulator import RunningEmulator, running_emulator
from tests.outbox.conftest import TOKEN

Sessions = async_sessionmaker[AsyncSession]
FAST = {"global_rate": 200, "global_burst": 20}  # Telegram's 30/s made faster so the suite stays quick


@pytest.fixture
async def emulator() -> AsyncIterator[RunningEmulator]:
    async with running_emulator(flood_limits=True, **FAST) as emu:
        yield emu


@pytest.fixture
async def emulated_bot(emulator: RunningEmulator) -> AsyncIterator[Bot]:
    bot = emulator_bot(emulator, TOKEN)
    yield bot
    await bot.session.close()


async def _rows(sessions: Sessions) -> list[OutboxMessage]:
    async with sessions() as session:
        return list(await session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


@pytest.mark.slow  # 1,000 messages under the flood limits
async def test_a_push_of_1000_is_delivered_exactly_once(
    sessions: Sessions, emulator: RunningEmulator, emulated_bot: Bot
) -> None:
    chats = list(range(30_000, 30_200))
    messages = broadcast(chats, 1000, "push")
    open_chats(emulator, TOKEN, chats)
    async with sessions() as session, session.begin():
        await outbox.enqueue_many(session, messages)
    counts = await OutboxSender(emulated_bot, sessions, global_rate=150).drain(timeout=60)
    received = delivery(emulator, TOKEN, messages)
    stats = emulator.bot(TOKEN).flood.stats()
    assert (received.duplicates, received.lost) == (0, 0)
    assert counts.sent == 1000 and counts.throttled == stats["rejected"]  # every 429 was waited out
    assert {m.status for m in await _rows(sessions)} == {"sent"}
    for chat in chats:  # each chat's messages arrived in the order they were queued
        texts = [m.data["text"] for m in emulator.bot(TOKEN).chats[chat].bot_messages()]
        assert texts == [m.payload["text"] for m in messages if m.chat_id == chat]


async def test_429s_are_waited_out_and_retried(
    sqlite_sessions: Sessions, emulator: RunningEmulator, emulated_bot: Bot
) -> None:
    await emulator.control(TOKEN).set_flood_limits(global_rate=20, global_burst=10)
    chats = list(range(31_000, 31_040))
    messages = broadcast(chats, 40, "flood")
    open_chats(emulator, TOKEN, chats)
    async with sqlite_sessions() as session, session.begin():
        await outbox.enqueue_many(session, messages)
    counts = await OutboxSender(emulated_bot, sqlite_sessions, global_rate=200).drain(timeout=60)  # 10 times too fast
    received = delivery(emulator, TOKEN, messages)
    assert counts.throttled > 0 and counts.throttled == emulator.bot(TOKEN).flood.rejected
    assert (counts.sent, received.duplicates, received.lost) == (40, 0, 0)


async def test_a_blocked_user_becomes_unreachable_and_the_admins_are_told(
    sqlite_sessions: Sessions, emulator: RunningEmulator, emulated_bot: Bot
) -> None:
    blocked, other, admins = 32_001, 32_002, [32_100, 32_101]
    open_chats(emulator, TOKEN, [other, *admins])
    await emulator.user(TOKEN, blocked).block()
    async with sqlite_sessions() as session, session.begin():
        session.add(Participant(pseudonym="blocked", telegram_id=blocked))
        session.add(Participant(pseudonym="admin", telegram_id=admins[1], language="en"))
        await outbox.enqueue_many(session, broadcast([blocked, blocked, other], 3, "agenda"))
    counts = await OutboxSender(emulated_bot, sqlite_sessions, admin_ids=admins).drain(timeout=30)
    assert (counts.unreachable, counts.sent) == (1, 1 + len(admins))
    assert {m.dedupe_key: m.status for m in await _rows(sqlite_sessions) if not m.dedupe_key.startswith("outbox.")} == {
        "agenda:0": "unreachable",
        "agenda:1": "unreachable",
        "agenda:2": "sent",
    }
    forbidden = [c for c in await emulator.control(TOKEN).calls("sendMessage") if c["status"] == 403]
    assert len(forbidden) == 1  # the second message to the blocked chat was not even tried
    persian, english = [await emulator.user(TOKEN, admin).messages() for admin in admins]
    assert len(persian) == len(english) == 1
    assert "۳۲۰۰۱" in persian[0]["text"] and "agenda:0" in persian[0]["text"]
    assert english[0]["text"].startswith("⚠️ User 32001 has blocked the bot")
    async with sqlite_sessions() as session:
        participant = await session.scalar(select(Participant).where(Participant.telegram_id == blocked))
        assert participant is not None and participant.unreachable_at is not None


async def test_refused_and_unsendable_messages_fail_with_the_reason(
    sqlite_sessions: Sessions, emulator: RunningEmulator, emulated_bot: Bot, tmp_path: Path
) -> None:
    open_chats(emulator, TOKEN, [33_001])
    photo = outbox.store_file(tmp_path, b"not an image", "x.png")
    async with sqlite_sessions() as session, session.begin():
        broken = {"text": "<b>x", "parse_mode": "HTML"}
        await outbox.enqueue(session, key="broken", chat_id=33_001, method="sendMessage", payload=broken)
        await outbox.enqueue(session, key="stranger", chat_id=33_999, method="sendMessage", payload={"text": "hi"})
        await outbox.enqueue(session, key="photo", chat_id=33_001, method="sendPhoto", payload={"photo": photo})
        await outbox.enqueue(
            session,
            key="gone",
            chat_id=33_001,
            method="sendDocument",
            payload={"document": {"path": str(tmp_path / "missing.pdf")}},
        )
    counts = await OutboxSender(emulated_bot, sqlite_sessions).drain(timeout=30)
    errors = {m.dedupe_key: (m.status, m.error) for m in await _rows(sqlite_sessions)}
    assert counts.failed == 4
    assert errors["broken"][0] == "failed" and "can't parse entities" in (errors["broken"][1] or "")
    assert errors["stranger"] == ("failed", "Bad Request: chat not found")
    assert "IMAGE_PROCESS_FAILED" in (errors["photo"][1] or "")
    assert "missing.pdf is missing" in (errors["gone"][1] or "")


async def test_a_push_too_long_for_the_messenger_goes_shortened_with_more(
    sqlite_sessions: Sessions, emulator: RunningEmulator, emulated_bot: Bot, tmp_path: Path
) -> None:
    """Counted as the messenger counts (visible text, UTF-16): 2,100 emoji words are 6,300 units."""
    open_chats(emulator, TOKEN, [33_002])
    text, caption = "<b>" + " ".join(["😀"] * 2100) + "</b>", "<i>" + "کلمه " * 300 + "</i>"
    async with sqlite_sessions() as session, session.begin():
        await outbox.enqueue(
            session, key="text", chat_id=33_002, method="sendMessage", payload={"text": text, "parse_mode": "HTML"}
        )
        await outbox.enqueue(
            session,
            key="caption",
            chat_id=33_002,
            method="sendDocument",
            payload={
                "document": outbox.store_file(tmp_path, b"%PDF-1.4", "m.pdf"),
                "caption": caption,
                "parse_mode": "HTML",
            },
        )
    counts = await OutboxSender(emulated_bot, sqlite_sessions).drain(timeout=30)
    assert (counts.sent, counts.failed) == (2, 0)
    sent = [m.data for m in emulator.bot(TOKEN).chats[33_002].bot_messages()]
    short_text, short_caption = sent[-2]["text"], sent[-1]["caption"]
    assert short_text.endswith("😀 …") and 4000 < len(short_text.encode("utf-16-le")) // 2 <= 4096
    assert sent[-2]["entities"][0]["type"] == "bold"
    assert short_caption.endswith("کلمه …") and 1000 < len(short_caption) <= 1024
    for message in sent[-2:]:
        [[more]] = message["reply_markup"]["inline_keyboard"]
        assert more["callback_data"].startswith("more:")


async def test_documents_and_photos_are_uploaded_from_the_data_directory(
    sqlite_sessions: Sessions, emulator: RunningEmulator, emulated_bot: Bot, tmp_path: Path
) -> None:
    open_chats(emulator, TOKEN, [34_001])
    png = io.BytesIO()
    Image.new("RGB", (2, 3)).save(png, "PNG")
    async with sqlite_sessions() as session, session.begin():
        await outbox.enqueue(
            session,
            key="digest",
            chat_id=34_001,
            method="sendDocument",
            payload={"document": outbox.store_file(tmp_path, b"%PDF-1.4", "digest.pdf"), "caption": "گزارش هفتگی"},
        )
        await outbox.enqueue(
            session,
            key="chart",
            chat_id=34_001,
            method="sendPhoto",
            payload={"photo": outbox.store_file(tmp_path, png.getvalue(), "chart.png")},
        )
    assert (await OutboxSender(emulated_bot, sqlite_sessions).drain(timeout=30)).sent == 2
    document, photo = await emulator.user(TOKEN, 34_001).messages()
    assert document["document"]["file_name"] == "digest.pdf" and document["caption"] == "گزارش هفتگی"
    assert photo["photo"][-1]["width"] == 2


async def test_network_errors_are_retried_with_backoff_then_fail(sqlite_sessions: Sessions) -> None:
    async with sqlite_sessions() as session, session.begin():
        await outbox.enqueue(session, key="m", chat_id=1, method="sendMessage", payload={"text": "hi"})
    async with running_emulator() as gone:
        unreachable_bot = emulator_bot(gone, TOKEN)
    try:  # the emulator has stopped: every request is refused at the TCP level
        sender = OutboxSender(
            unreachable_bot,
            sqlite_sessions,
            max_attempts=3,
            backoff=(0.05, 0.1),
            lease=timedelta(seconds=6),
            poll_interval=0.05,
        )
        counts = await sender.drain(timeout=30)
    finally:
        await unreachable_bot.session.close()
    (row,) = await _rows(sqlite_sessions)
    assert (counts.retried, counts.failed, row.attempts, row.status) == (2, 1, 3, "failed")
    assert row.error is not None and "TelegramNetworkError" in row.error and "gave up after 3 attempts" in row.error
