"""Signing in to the console without a password: the messenger account is the identity.

The bot (``/console``) or ``meydan web link`` hands out a one-time link valid ten minutes; opening it
starts a session. Both tokens are random and stored only as keyed hashes; a session ends when its
holder signs out or after ``IDLE_TIMEOUT`` without a request.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select, update

from backend.audit import record
from backend.console.staff import Staff, staff_of
from backend.context import AppContext, Claim, transaction
from backend.errors import Refused
from backend.models import ConsoleSession, SignInLink, utcnow

LINK_TTL = timedelta(minutes=10)
IDLE_TIMEOUT = timedelta(hours=2)
SEEN_EVERY = timedelta(minutes=1)  # how stale ``last_seen_at`` may get before a request writes it again


def _hash(app: AppContext, purpose: str, token: str) -> str:
    return hmac.new(app.secret, f"console-{purpose}:{token}".encode(), hashlib.sha256).hexdigest()


async def create_link(app: AppContext, messenger_id: int, claim: Claim | None = None) -> str:
    """A one-time sign-in token for an admin, a member of a body or a facilitator; Refused otherwise."""
    token = secrets.token_urlsafe(32)
    async with transaction(app, claim) as session:
        staff = await staff_of(session, app, messenger_id)
        if not staff.is_staff:
            raise Refused("console.not_staff")
        now = utcnow()
        session.add(
            SignInLink(token_hash=_hash(app, "link", token), messenger_id=messenger_id, expires_at=now + LINK_TTL)
        )
    return token


def link_url(app: AppContext, token: str) -> str:
    """The address a sign-in token is opened at (MEYDAN_WEB_URL)."""
    return f"{app.settings.web_url.rstrip('/')}/signin?token={token}"


@dataclass(frozen=True)
class SignedIn:
    """A session just opened: its token (for the cookie, never stored) and whom it serves."""

    token: str
    staff: Staff


async def redeem(app: AppContext, link_token: str) -> SignedIn:
    """Open a session with a sign-in link, once; an unknown, used or expired link is Refused (and a
    link whose holder lost every role since)."""
    now = utcnow()
    async with transaction(app) as session:
        link = await session.scalar(select(SignInLink).where(SignInLink.token_hash == _hash(app, "link", link_token)))
        if link is None:
            raise Refused("console.link.unknown")
        if link.used_at is not None:
            raise Refused("console.link.used")
        if link.expires_at <= now:
            raise Refused("console.link.expired")
        claimed = await session.execute(
            update(SignInLink).where(SignInLink.id == link.id, SignInLink.used_at.is_(None)).values(used_at=now)
        )
        if claimed.rowcount != 1:  # type: ignore[attr-defined]  # another request used it first
            raise Refused("console.link.used")
        staff = await staff_of(session, app, link.messenger_id)
        if not staff.is_staff:
            raise Refused("console.not_staff")
        token = secrets.token_urlsafe(32)
        session.add(
            ConsoleSession(token_hash=_hash(app, "session", token), messenger_id=link.messenger_id, last_seen_at=now)
        )
        record(session, staff.actor, "console.signin", "console_session", link.messenger_id)
    return SignedIn(token, staff)


async def resume(app: AppContext, session_token: str) -> Staff | None:
    """The staff a live session serves, its idle clock restarted; None for an unknown, ended or idle session."""
    now = utcnow()
    async with transaction(app) as session:
        found = await session.scalar(
            select(ConsoleSession).where(ConsoleSession.token_hash == _hash(app, "session", session_token))
        )
        if found is None or found.ended_at is not None or found.last_seen_at + IDLE_TIMEOUT <= now:
            return None
        if found.last_seen_at + SEEN_EVERY <= now:
            found.last_seen_at = now
        return await staff_of(session, app, found.messenger_id)


async def sign_out(app: AppContext, session_token: str) -> None:
    """End a session (signing out twice changes nothing)."""
    async with transaction(app) as session:
        found = await session.scalar(
            select(ConsoleSession).where(
                ConsoleSession.token_hash == _hash(app, "session", session_token), ConsoleSession.ended_at.is_(None)
            )
        )
        if found is not None:
            found.ended_at = utcnow()
            record(session, f"console:{found.messenger_id}", "console.signout", "console_session", found.messenger_id)


def csrf_token(app: AppContext, session_token: str) -> str:
    """The CSRF token of a session: derived from it, so nothing more is stored."""
    return _hash(app, "csrf", session_token)
