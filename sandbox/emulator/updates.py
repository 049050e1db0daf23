"""The bot's queue of pending updates with getUpdates semantics (offset, limit, allowed_updates)."""

from __future__ import annotations

from functools import cache
from typing import Any

from sandbox.emulator.spec import load_spec

Update = dict[str, Any]
_OPT_IN = frozenset({"chat_member", "message_reaction", "message_reaction_count"})


@cache
def update_types() -> frozenset[str]:
    """Every update type of the spec (the optional fields of ``Update``)."""
    return frozenset(f["name"] for f in load_spec()["types"]["Update"]["fields"] if f["name"] != "update_id")


def update_type(update: Update) -> str:
    """``"message"``, ``"callback_query"``... of an update."""
    return next((key for key in update if key != "update_id"), "")


class UpdateQueue:
    """Unconfirmed updates in order; update ids keep growing for the queue's whole life."""

    def __init__(self) -> None:
        self._pending: list[Update] = []
        self._next_id = 1
        self.allowed: frozenset[str] = update_types() - _OPT_IN

    def __len__(self) -> int:
        return len(self._pending)

    def push_raw(self, update: Update) -> Update:
        """Append an arbitrary update; ``update_id`` is assigned unless it is given and not lower than due."""
        given = update.get("update_id")
        update_id = given if isinstance(given, int) and given >= self._next_id else self._next_id
        update = {"update_id": update_id, **{k: v for k, v in update.items() if k != "update_id"}}
        self._next_id = update_id + 1
        self._pending.append(update)
        return update

    def set_allowed(self, allowed: list[str] | None) -> None:
        """Remember ``allowed_updates`` (None keeps the previous setting, [] restores the default)."""
        if allowed is not None:
            self.allowed = frozenset(allowed) if allowed else update_types() - _OPT_IN

    def confirm(self, offset: int) -> None:
        """Forget updates below ``offset``; a negative offset keeps only the last ``-offset`` ones."""
        if offset < 0:
            self._pending = self._pending[offset:]
        else:
            self._pending = [u for u in self._pending if u["update_id"] >= offset]

    def peek(self, limit: int) -> list[Update]:
        """Up to ``limit`` deliverable updates; updates of types not allowed are dropped."""
        self._pending = [u for u in self._pending if update_type(u) in self.allowed]
        return self._pending[:limit]

    def clear(self) -> None:
        """Drop every pending update (drop_pending_updates)."""
        self._pending.clear()
