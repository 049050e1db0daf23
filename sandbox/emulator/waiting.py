"""Wake-ups for long polling: wait until a condition holds, re-checking after every state change."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


class Notifier:
    """Waiters re-check their condition each time ``notify`` is called (or ``close`` ends all waits)."""

    def __init__(self) -> None:
        self._event = asyncio.Event()
        self.closed = False

    def notify(self) -> None:
        """Wake every waiter."""
        self._event.set()
        self._event = asyncio.Event()

    def close(self) -> None:
        """Wake every waiter for good (shutdown)."""
        self.closed = True
        self.notify()

    async def wait_until(self, check: Callable[[], T], timeout: float) -> T:
        """``check()`` once it is truthy, or its last value after ``timeout`` seconds or on close."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + max(timeout, 0.0)
        while True:
            event = self._event
            result = check()
            remaining = deadline - loop.time()
            if result or self.closed or remaining <= 0:
                return result
            try:
                await asyncio.wait_for(event.wait(), remaining)
            except TimeoutError:
                return check()
