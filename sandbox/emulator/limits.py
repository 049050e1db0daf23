"""Documented Bot API limits and the flood control (token buckets) that answers 429."""

from __future__ import annotations

import math
import time
from collections import Counter
from dataclasses import dataclass
from typing import Any

from sandbox.emulator.errors import too_many_requests

MB = 1024 * 1024
FLOOD_SETTINGS = ("global_rate", "global_burst", "chat_rate", "chat_burst")


@dataclass
class Limits:
    """Every limit the emulator enforces; pass overrides to ``running_emulator(**limits)``."""

    text_max: int = 4096
    caption_max: int = 1024
    callback_data_max_bytes: int = 64
    callback_answer_text_max: int = 200
    inline_keyboard_max_buttons: int = 100
    upload_max_bytes: int = 50 * MB
    download_max_bytes: int = 20 * MB
    global_rate: float = 30.0
    """Messages per second per bot, all chats together."""
    global_burst: int = 30
    chat_rate: float = 1.0
    """Messages per second to one chat."""
    chat_burst: int = 3


class TokenBucket:
    """``capacity`` tokens refilled at ``rate`` per second."""

    def __init__(self, rate: float, capacity: int) -> None:
        self.rate = rate
        self.capacity = capacity
        self.tokens = float(capacity)
        self.stamp = time.monotonic()

    def wait_time(self, now: float) -> float:
        """Seconds until one token is available (0 when available now); refills first."""
        self.tokens = min(self.capacity, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        return 0.0 if self.tokens >= 1 else (1 - self.tokens) / self.rate

    def take(self) -> None:
        """Consume one token (after ``wait_time`` returned 0)."""
        self.tokens -= 1


class FloodControl:
    """Per-bot flood limits: one bucket for the bot, one per chat; counts what it accepted and refused."""

    def __init__(self, limits: Limits, enabled: bool) -> None:
        self.limits = limits
        self.enabled = enabled
        self.rejected = 0
        self.rejected_per_chat: Counter[int] = Counter()
        self.accepted_per_chat: Counter[int] = Counter()
        self._global = TokenBucket(limits.global_rate, limits.global_burst)
        self._chats: dict[int, TokenBucket] = {}

    def configure(self, enabled: bool | None = None, **rates: Any) -> None:
        """Switch on/off and/or change ``global_rate``, ``global_burst``, ``chat_rate``, ``chat_burst``."""
        if enabled is not None:
            self.enabled = enabled
        for name, value in rates.items():
            if name not in FLOOD_SETTINGS:
                raise ValueError(f"unknown flood setting {name!r}")
            setattr(self.limits, name, value)
        if rates:
            self._global = TokenBucket(self.limits.global_rate, self.limits.global_burst)
            self._chats.clear()

    def admit(self, chat_id: int) -> None:
        """Count one message to ``chat_id``, or raise 429 with ``retry_after`` when over the limits."""
        if self.enabled:
            chat = self._chats.get(chat_id)
            if chat is None:
                chat = self._chats[chat_id] = TokenBucket(self.limits.chat_rate, self.limits.chat_burst)
            now = time.monotonic()
            wait = max(self._global.wait_time(now), chat.wait_time(now))
            if wait > 0:
                self.rejected += 1
                self.rejected_per_chat[chat_id] += 1
                raise too_many_requests(max(1, math.ceil(wait)))
            self._global.take()
            chat.take()
        self.accepted_per_chat[chat_id] += 1

    def stats(self) -> dict[str, Any]:
        """Counters and settings, JSON-ready."""
        return {
            "enabled": self.enabled,
            "rejected": self.rejected,
            "rejected_per_chat": {str(k): v for k, v in self.rejected_per_chat.items()},
            "accepted_per_chat": {str(k): v for k, v in self.accepted_per_chat.items()},
            "accepted": sum(self.accepted_per_chat.values()),
            **{name: getattr(self.limits, name) for name in FLOOD_SETTINGS},
        }
