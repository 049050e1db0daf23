"""Figures that are slow to compute (a survey's results over a million answers, a digest), computed once and
shared by every reader while they cannot have changed: each has a slot, and a version saying what it was
computed from (a survey's response counts, a time bucket); a reader who finds another version computes
it again while the others wait for that one computation."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Hashable
from time import monotonic
from typing import Any, TypeVar

from fastapi import Request

T = TypeVar("T")


class Shared:
    """The last value computed for each slot, with its version."""

    def __init__(self) -> None:
        self._values: dict[Hashable, tuple[Hashable, Any]] = {}
        self._locks: dict[Hashable, asyncio.Lock] = {}

    async def get(self, slot: Hashable, version: Hashable, compute: Callable[[], Awaitable[T]]) -> T:
        """The value of ``slot`` at ``version``, computed by ``compute`` unless it is already known."""
        async with self._locks.setdefault(slot, asyncio.Lock()):
            known = self._values.get(slot)
            if known is not None and known[0] == version:
                return known[1]  # type: ignore[no-any-return]
            value = await compute()
            self._values[slot] = (version, value)
            return value


def shared(request: Request) -> Shared:
    """The app's shared figures (made on first use)."""
    state = request.app.state
    if not hasattr(state, "shared_figures"):
        state.shared_figures = Shared()
    found: Shared = state.shared_figures
    return found


def time_bucket(seconds: float) -> int:
    """A version that changes every ``seconds``."""
    return int(monotonic() // seconds)
