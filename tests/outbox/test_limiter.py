"""The rate limiter on a controlled clock: global spacing, per-chat spacing, holding after a 429."""

from __future__ import annotations

import asyncio

import pytest

from bot.outbox.limiter import RateLimiter


class FakeTime:
    """A clock that only moves when someone sleeps; each sleeper wakes at its own deadline, in order."""

    def __init__(self) -> None:
        self.now = 0.0

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        wake = self.now + seconds
        while self.now < wake:
            await asyncio.sleep(0)
            self.now = min(wake, self.now + 0.001)


async def _send_times(limiter: RateLimiter, fake: FakeTime, chats: list[int]) -> list[tuple[int, float]]:
    sent: list[tuple[int, float]] = []

    async def one_chat(chat: int, count: int) -> None:
        for _ in range(count):
            await limiter.acquire(chat)
            sent.append((chat, fake.now))

    await asyncio.gather(*(one_chat(chat, chats.count(chat)) for chat in dict.fromkeys(chats)))
    return sorted(sent, key=lambda s: s[1])


async def test_sends_are_spaced_by_the_global_and_the_chat_rate() -> None:
    fake = FakeTime()
    limiter = RateLimiter(10, 1, clock=fake.clock, sleep=fake.sleep)
    sent = await _send_times(limiter, fake, [1, 1, 1, 2, 2, 2, 3, 3, 3])
    times = [t for _, t in sent]
    assert all(b - a >= 0.1 - 1e-9 for a, b in zip(times, times[1:], strict=False))
    for chat in (1, 2, 3):
        own = [t for c, t in sent if c == chat]
        assert all(b - a >= 1 - 1e-9 for a, b in zip(own, own[1:], strict=False))
    assert times[-1] == pytest.approx(2.2, abs=0.01)  # three rounds a second apart, each 0.1 s per chat


async def test_hold_pauses_every_chat() -> None:
    fake = FakeTime()
    limiter = RateLimiter(100, 100, clock=fake.clock, sleep=fake.sleep)
    await limiter.acquire(1)
    limiter.hold(3)
    await limiter.acquire(2)
    assert fake.now == pytest.approx(3.0, abs=0.01)


def test_rates_must_be_positive() -> None:
    with pytest.raises(ValueError, match="positive"):
        RateLimiter(0, 1)
