"""Idempotency: each messenger update changes data at most once."""

from __future__ import annotations

from backend.db import Executor
from backend.models import ProcessedUpdate, utcnow
from backend.services.inserts import insert_one_ignoring


class AlreadyProcessed(Exception):
    """This update was already handled; the caller's transaction must roll back."""


async def claim(executor: Executor, bot_id: int, update_id: int) -> None:
    """Mark an update as handled inside the caller's transaction; AlreadyProcessed if it was.

    One ``INSERT … ON CONFLICT DO NOTHING``: a concurrent claim of the same update waits for
    the first transaction and then inserts nothing.
    """
    row = {"bot_id": bot_id, "update_id": update_id, "processed_at": utcnow()}
    if not await insert_one_ignoring(executor, ProcessedUpdate, row, ["bot_id", "update_id"]):
        raise AlreadyProcessed(update_id)
