"""One-time invitations to a role: a random token handed out as a deep link, stored only as a keyed hash."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from backend.context import AppContext, Claim, transaction
from backend.errors import MeydanError, Refused
from backend.models import Invite, Meeting, Role, utcnow
from backend.participants import service as participants
from backend.plan import Plan
from backend.services import roles

DEFAULT_TTL = timedelta(days=7)
MAX_TTL = timedelta(days=365)
# The role an invite grants -> what its scope names.
INVITABLE = {"facilitator": "working group", "ngo": "forum", "member": "body"}


class InviteRefused(Refused):
    """An invite token that cannot be used; ``reason`` is ``unknown``, ``revoked``, ``expired`` or ``used``."""

    def __init__(self, reason: str) -> None:
        super().__init__(f"invites.refused.{reason}")
        self.reason = reason

    def __str__(self) -> str:
        return f"this invite is {self.reason}"


def token_hash(secret: bytes, token: str) -> str:
    """The keyed hash of a token: what the database keeps instead of the token."""
    return hmac.new(secret, f"invite:{token}".encode(), hashlib.sha256).hexdigest()


async def check_scope(session: AsyncSession, plan: Plan, role: str, scope: str) -> None:
    """A MeydanError unless ``scope`` names something ``role`` can be given in."""
    if role not in INVITABLE:
        raise MeydanError(f"cannot invite to role {role!r}; expected one of {', '.join(INVITABLE)}")
    if role == "facilitator":
        known = plan.get("working_group", scope) is not None
    elif role == "member":
        known = plan.get("body", scope) is not None or plan.get("working_group", scope) is not None
    else:
        known = (
            scope.isdigit()
            and await session.scalar(
                select(Meeting.id).where(Meeting.id == int(scope), Meeting.kind == "forum", Meeting.status != "closed")
            )
            is not None
        )
    if not known:
        raise MeydanError(
            f"no open forum {scope!r}" if role == "ngo" else f"no {INVITABLE[role]} {scope!r} in the plan"
        )


async def create(
    session: AsyncSession,
    secret: bytes,
    plan: Plan,
    role: str,
    scope: str,
    *,
    created_by: int | None = None,
    ttl: timedelta = DEFAULT_TTL,
    now: datetime | None = None,
) -> str:
    """Store a new invite to ``role`` in ``scope`` and return its token (shown once, never stored)."""
    await check_scope(session, plan, role, scope)
    if not timedelta(0) < ttl <= MAX_TTL:
        raise MeydanError(f"an invite is valid for 1 to {MAX_TTL.days} days")
    token = secrets.token_urlsafe(24)
    session.add(
        Invite(
            token_hash=token_hash(secret, token),
            role=role,
            scope=scope,
            expires_at=(now or utcnow()) + ttl,
            created_by=created_by,
        )
    )
    await session.flush()
    return token


async def redeem(
    session: AsyncSession, secret: bytes, token: str, participant_id: int, now: datetime | None = None
) -> Role:
    """Use an invite once: mark it used by the participant and grant its role.

    The update is conditional, so of two people opening the same link at once only one wins;
    InviteRefused says why a token cannot be used.
    """
    now = now or utcnow()
    digest = token_hash(secret, token)
    invite = await session.scalar(select(Invite).where(Invite.token_hash == digest))
    if invite is None or not hmac.compare_digest(invite.token_hash, digest):
        raise InviteRefused("unknown")
    if invite.revoked_at is not None:
        raise InviteRefused("revoked")
    if invite.used_at is not None:
        raise InviteRefused("used")
    if invite.expires_at <= now:
        raise InviteRefused("expired")
    claimed = await session.execute(
        update(Invite)
        .where(Invite.id == invite.id, Invite.used_at.is_(None), Invite.revoked_at.is_(None))
        .values(used_at=now, used_by=participant_id)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        raise InviteRefused("used")
    return await roles.grant(session, participant_id, invite.role, invite.scope)


# --- use cases -----------------------------------------------------------------------------------


async def redeem_link(app: AppContext, claim: Claim, messenger_id: int, language: str, token: str) -> Role:
    """Someone opened an invite link: bind their account (made on the spot if new) to its role; an
    unknown, expired or used invite writes nothing (InviteRefused)."""
    async with transaction(app, claim) as session:
        participant = await participants.of_account_or_join(session, app.secret, messenger_id, language)
        return await redeem(session, app.secret, token, participant.id)


async def create_link(app: AppContext, claim: Claim, messenger_id: int, role: str, scope: str, days: int | None) -> str:
    """An admin asks for a one-time invite to ``role`` in ``scope``, valid ``days``; its token."""
    if not app.is_admin(messenger_id):
        raise Refused("invites.admin_only")
    if role not in INVITABLE or not 1 <= (days or 0) <= MAX_TTL.days:
        raise Refused("invites.usage", max=MAX_TTL.days)
    async with transaction(app, claim) as session:
        creator = await participants.by_messenger_id(session, messenger_id)
        try:
            return await create(
                session,
                app.secret,
                app.plan,
                role,
                scope,
                ttl=timedelta(days=days or 0),
                created_by=creator.id if creator else None,
            )
        except MeydanError:
            raise Refused(f"invites.bad_scope.{role}", scope=scope) from None
