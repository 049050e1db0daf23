"""``meydan bench broadcast``: a push through the outbox sender to the emulator with flood limits on.

N messages (1,000; quick: 200) to up to 100 chats are enqueued, then one ``OutboxSender`` at its
default limits (25 messages/s, 1/s per chat) drains them into the emulator, which enforces Telegram's
limits (30/s per bot, 1/s per chat with a burst of 3) and answers 429 beyond them. Figures per
database: messages/s achieved against the emulator's limit, 429s received and waited out, and from
the emulator's own record of delivered messages the duplicates and the lost (both must be 0).

The helpers (``open_chats``, ``broadcast``, ``delivery``) serve the tests as well.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from sqlalchemy.engine import URL

from backend import migrate
from backend.db import create_engine, session_factory
from backend.services import outbox
from bot.outbox.sender import OutboxSender
from sandbox.bench.options import Figures, Progress
from sandbox.emulator import RunningEmulator, running_emulator
from sandbox.emulator.state import UserProfile

TOKEN = "700700:meydan-broadcast-bench"
FIRST_CHAT = 9_000_000
CHATS = 100


def open_chats(emulator: RunningEmulator, token: str, chat_ids: Iterable[int]) -> None:
    """Make each user known to the emulator's bot, as if they had written to it (no update is queued)."""
    state = emulator.bot(token)
    for chat_id in chat_ids:
        state.user_chat(UserProfile(chat_id, f"User {chat_id}"))


def broadcast(chat_ids: Sequence[int], total: int, tag: str) -> list[outbox.Outgoing]:
    """``total`` distinct text messages spread round-robin over ``chat_ids``."""
    return [
        outbox.Outgoing(f"{tag}:{n}", chat_ids[n % len(chat_ids)], "sendMessage", {"text": f"{tag} message {n}"})
        for n in range(total)
    ]


@dataclass(frozen=True)
class Delivery:
    """What the emulator holds of a broadcast: copies per text, and the duplicated and the lost."""

    copies: Counter[str]
    duplicates: int
    lost: int


def delivery(emulator: RunningEmulator, token: str, messages: Sequence[outbox.Outgoing]) -> Delivery:
    """Count, from the emulator's stored chats, how often each message's text arrived."""
    expected = {m.payload["text"] for m in messages}
    state = emulator.bot(token)
    copies = Counter(
        text
        for chat in state.chats.values()
        for m in chat.bot_messages()
        if isinstance(text := m.data.get("text"), str) and text in expected
    )
    duplicates = sum(n - 1 for n in copies.values())
    return Delivery(copies, duplicates, len(expected - set(copies)))


def emulator_bot(emulator: RunningEmulator, token: str) -> Bot:
    """An aiogram Bot talking to the emulator."""
    return Bot(token, session=AiohttpSession(api=TelegramAPIServer.from_base(emulator.base_url)))


async def bench_broadcast(total: int, database_url: URL, progress: Progress) -> Figures:
    """Push ``total`` messages to up to 100 chats through the sender into the emulator; the figures."""
    chat_ids = [FIRST_CHAT + n for n in range(min(CHATS, max(1, total // 4)))]
    messages = broadcast(chat_ids, total, "bench")
    engine = create_engine(database_url)
    try:
        await migrate.upgrade(engine)
        sessions = session_factory(engine)
        async with sessions() as session, session.begin():
            await outbox.enqueue_many(session, messages)
        async with running_emulator(flood_limits=True) as emulator:
            open_chats(emulator, TOKEN, chat_ids)
            bot = emulator_bot(emulator, TOKEN)
            sender = OutboxSender(bot, sessions)
            flood = emulator.bot(TOKEN).flood
            reporting = asyncio.create_task(_report(progress, flood.accepted_per_chat, total))
            began = time.perf_counter()
            try:
                counts = await sender.drain()
            finally:
                reporting.cancel()
                await bot.session.close()
            seconds = time.perf_counter() - began
            received = delivery(emulator, TOKEN, messages)
    finally:
        await engine.dispose()
    rate = total / seconds
    return {
        "messages": total,
        "chats": len(chat_ids),
        "seconds": round(seconds, 2),
        "messages_per_s": round(rate, 2),
        "sender_limit_per_s": sender.limiter.global_rate,
        "emulator_limit_per_s": flood.limits.global_rate,
        "share_of_emulator_limit": round(rate / flood.limits.global_rate, 3),
        "status_429_received": flood.rejected,
        "status_429_waited_out": counts.throttled,
        "duplicates": received.duplicates,
        "lost": received.lost,
        "sender": counts.as_dict(),
    }


async def _report(progress: Progress, accepted: Counter[int], total: int) -> None:
    while True:
        progress(sum(accepted.values()), total, "sent")
        await asyncio.sleep(0.5)
