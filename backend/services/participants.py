"""Participants: pseudonyms and the preferences kept for them."""

from __future__ import annotations

import hashlib
import hmac

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.models import Participant


def pseudonym(secret: bytes, messenger_id: int) -> str:
    """A stable keyed hash of a messenger user id; exports carry this, never the id."""
    return hmac.new(secret, f"participant:{messenger_id}".encode(), hashlib.sha256).hexdigest()


async def by_messenger_id(session: AsyncSession, messenger_id: int) -> Participant | None:
    """The participant linked to a messenger account, if any."""
    return await session.scalar(select(Participant).where(Participant.telegram_id == messenger_id))


async def set_language(session: AsyncSession, messenger_id: int, language: str) -> bool:
    """Remember a participant's language; False if the account has no participant yet."""
    participant = await by_messenger_id(session, messenger_id)
    if participant is None:
        return False
    participant.language = language
    return True
