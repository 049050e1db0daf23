"""Shared figures: computed once for readers arriving together, again only when their version moves."""

from __future__ import annotations

import asyncio

from console.shared import Shared


async def test_readers_at_one_version_share_one_computation() -> None:
    shared, calls = Shared(), []

    async def compute() -> int:
        calls.append(1)
        await asyncio.sleep(0.01)
        return len(calls)

    first = await asyncio.gather(*(shared.get("results", (1, 0), compute) for _ in range(20)))
    assert first == [1] * 20 and len(calls) == 1
    assert await shared.get("results", (2, 0), compute) == 2  # a new response: computed again
    assert await shared.get("funnel", (2, 0), compute) == 3  # another slot has its own value
    assert await shared.get("results", (2, 0), compute) == 2 and len(calls) == 3
