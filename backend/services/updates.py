"""Idempotency: each messenger update changes data at most once."""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from backend.models import ProcessedUpdate, utcnow


class AlreadyProcessed(Exception):
    """This update was already handled; the caller's transaction must roll back."""


async def claim(session: AsyncSession, bot_id: int, update_id: int) -> None:
    """Mark an update as handled inside the caller's transaction; AlreadyProcessed if it was."""
    try:
        async with session.begin_nested():
            session.add(ProcessedUpdate(bot_id=bot_id, update_id=update_id, processed_at=utcnow()))
    except IntegrityError:
        raise AlreadyProcessed(update_id) from None
