"""Spacing sends under Telegram's flood limits: one bucket for the bot, one per chat."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

_PRUNE_AT = 10_000


class RateLimiter:
    """At most ``global_rate`` sends a second overall and ``chat_rate`` a second to one chat.

    Sends are spaced evenly (no bursts), which keeps clear of Telegram's limits (about 30/s per bot,
    1/s per chat) whatever their burst allowance. ``hold`` pauses every send after a 429. ``clock``
    and ``sleep`` are injectable so tests can drive time.
    """

    def __init__(
        self,
        global_rate: float,
        chat_rate: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
    ) -> None:
        if global_rate <= 0 or chat_rate <= 0:
            raise ValueError("rates must be positive")
        self.global_rate = global_rate
        self.chat_rate = chat_rate
        self._clock = clock
        self._sleep = sleep
        self._global_ready = 0.0
        self._chat_ready: dict[int, float] = {}
        self._held_until = 0.0

    async def chat_ready(self, chat_id: int) -> None:
        """Wait until ``chat_id`` may receive again and no 429 hold is on (takes no slot)."""
        while (wait := max(self._chat_ready.get(chat_id, 0.0), self._held_until) - self._clock()) > 0:
            await self._sleep(wait)

    async def acquire(self, chat_id: int) -> None:
        """Wait until a message may go to ``chat_id`` and count it as sent now."""
        while True:
            await self.chat_ready(chat_id)
            now = self._clock()
            slot = max(now, self._global_ready)
            self._global_ready = slot + 1 / self.global_rate
            if slot > now:
                await self._sleep(slot - now)
            now = self._clock()
            if self._held_until <= now:  # no 429 arrived while this send waited for its slot
                self._chat_ready[chat_id] = now + 1 / self.chat_rate
                self._prune(now)
                return

    def hold(self, seconds: float) -> None:
        """Send nothing for ``seconds`` (Telegram answered 429 with this ``retry_after``)."""
        self._held_until = max(self._held_until, self._clock() + seconds)

    def _prune(self, now: float) -> None:
        if len(self._chat_ready) > _PRUNE_AT:
            self._chat_ready = {chat: ready for chat, ready in self._chat_ready.items() if ready > now}
