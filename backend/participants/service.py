"""Participants: pseudonyms and the preferences kept for them."""

from __future__ import annotations

import hashlib
import hmac

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.locales import pick_language
from backend.models import Participant, utcnow

CITIZENS = "citizens"


def pseudonym(secret: bytes, messenger_id: int) -> str:
    """A stable keyed hash of a messenger user id; exports carry this, never the id."""
    return hmac.new(secret, f"participant:{messenger_id}".encode(), hashlib.sha256).hexdigest()


async def by_messenger_id(session: AsyncSession, messenger_id: int) -> Participant | None:
    """The participant linked to a messenger account, if any."""
    return await session.scalar(select(Participant).where(Participant.telegram_id == messenger_id))


def reachable(participant: Participant) -> bool:
    """Whether pushes can reach the participant: linked to an account that has not blocked the bot."""
    return participant.telegram_id is not None and participant.unreachable_at is None


async def language_of(session: AsyncSession, messenger_id: int) -> str:
    """The language of a messenger account's participant; the default language for an unknown account."""
    known = await by_messenger_id(session, messenger_id)
    return pick_language(known.language if known else None)


async def reachable_again(session: AsyncSession, participant: Participant) -> None:
    """A participant who blocked the bot and has written to it again: pushes reach them once more."""
    if participant.unreachable_at is not None:
        participant.unreachable_at = None


async def set_language(session: AsyncSession, messenger_id: int, language: str) -> bool:
    """Remember a participant's language; False if the account has no participant yet."""
    participant = await by_messenger_id(session, messenger_id)
    if participant is None:
        return False
    participant.language = language
    return True


async def join(session: AsyncSession, secret: bytes, messenger_id: int, language: str) -> Participant:
    """Create (or re-link after /forget) the participant of a messenger account who consented."""
    key = pseudonym(secret, messenger_id)
    participant = await session.scalar(select(Participant).where(Participant.pseudonym == key))
    if participant is None:
        participant = Participant(pseudonym=key, stakeholder_group=CITIZENS)
        session.add(participant)
    participant.telegram_id = messenger_id
    participant.language = language
    participant.consent_at = utcnow()
    participant.forgotten_at = None
    await session.flush()
    return participant


async def of_account_or_join(session: AsyncSession, secret: bytes, messenger_id: int, language: str) -> Participant:
    """The participant of a messenger account, made on the spot for someone opening an invite or a forum
    link (the welcome they get says what is kept)."""
    return await by_messenger_id(session, messenger_id) or await join(session, secret, messenger_id, language)


async def set_profile(
    session: AsyncSession,
    participant: Participant,
    *,
    district: str | None = None,
    stakeholder_group: str | None = None,
) -> None:
    """Update the minimal profile (district, stakeholder group)."""
    if district is not None:
        participant.district = district
    if stakeholder_group is not None:
        participant.stakeholder_group = stakeholder_group


async def set_muted(session: AsyncSession, messenger_id: int, muted: bool) -> bool:
    """/mute or /unmute the weekly news of what became of one's items; False without a participant."""
    participant = await by_messenger_id(session, messenger_id)
    if participant is None:
        return False
    participant.muted_at = utcnow() if muted else None
    return True


async def forget(session: AsyncSession, messenger_id: int) -> bool:
    """Delete a participant's profile and the link to their messenger account (/forget).

    Their answers stay, linked only to the pseudonym, which can no longer be traced back.
    """
    participant = await by_messenger_id(session, messenger_id)
    if participant is None:
        return False
    participant.telegram_id = None
    participant.pseudonym = f"forgotten-{participant.id}"
    participant.district = None
    participant.consent_at = None
    participant.forgotten_at = utcnow()
    return True
