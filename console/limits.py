"""Failed sign-ins counted per client address in a fixed window: in Redis when MEYDAN_REDIS_URL is set
(shared by every console process), else in this process's memory."""

from __future__ import annotations

import time
from typing import Any

LIMIT = 10  # failed sign-ins one address may make per window
WINDOW = 15 * 60  # seconds
MEMORY_ADDRESSES = 10_000  # without Redis: past this many addresses, those of earlier windows are dropped


class FailedSignIns:
    """Counts failures; ``blocked`` once an address reached ``limit`` in the current window."""

    def __init__(self, redis: Any | None = None, *, limit: int = LIMIT, window: int = WINDOW) -> None:
        self.redis = redis
        self.limit = limit
        self.window = window
        self._memory: dict[str, tuple[int, int]] = {}

    def _slot(self, address: str) -> tuple[str, int]:
        window = int(time.time()) // self.window
        return f"meydan:console:failed-signin:{address}:{window}", window

    async def blocked(self, address: str) -> bool:
        """Whether ``address`` used up its failures for now."""
        key, window = self._slot(address)
        if self.redis is not None:
            return int(await self.redis.get(key) or 0) >= self.limit
        seen_window, count = self._memory.get(address, (window, 0))
        return seen_window == window and count >= self.limit

    async def failed(self, address: str) -> None:
        """Count one failed sign-in from ``address``."""
        key, window = self._slot(address)
        if self.redis is not None:
            async with self.redis.pipeline(transaction=True) as pipe:
                await pipe.incr(key).expire(key, self.window).execute()
            return
        if len(self._memory) > MEMORY_ADDRESSES:  # forget the addresses of earlier windows
            self._memory = {a: seen for a, seen in self._memory.items() if seen[0] == window}
        seen_window, count = self._memory.get(address, (window, 0))
        self._memory[address] = (window, count + 1 if seen_window == window else 1)
