"""Invites as the secretariat manages them: create (the one-time link), list with their state, revoke."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.audit import record
from backend.console.staff import Staff
from backend.context import AppContext, transaction
from backend.errors import MeydanError, Refused
from backend.links import INVITE_PREFIX, deep_link
from backend.models import Invite, utcnow
from backend.services import invites
from backend.text import to_latin_digits

DEFAULT_DAYS = invites.DEFAULT_TTL.days
MAX_DAYS = invites.MAX_TTL.days


@dataclass(frozen=True)
class InviteLine:
    """An invite and its state at listing time: ``open``, ``used``, ``expired`` or ``revoked``."""

    invite: Invite
    state: str


def state_of(invite: Invite, now: datetime) -> str:
    """``revoked``, ``used``, ``expired`` or ``open``, in the order redeeming checks them."""
    if invite.revoked_at is not None:
        return "revoked"
    if invite.used_at is not None:
        return "used"
    return "expired" if invite.expires_at <= now else "open"


def _admin(staff: Staff) -> None:
    if not staff.is_admin:
        raise Refused("refused.admin_only")


def read_days(text: str) -> int:
    """How many days an invite is valid, typed in any digits; blank is the default."""
    digits = to_latin_digits(text.strip())
    if not digits:
        return DEFAULT_DAYS
    if not digits.isdigit():
        raise Refused("invites.refused.days", max=MAX_DAYS)
    return int(digits)


async def create(app: AppContext, staff: Staff, role: str, scope: str, days: int) -> str:
    """A new one-time invite to ``role`` in ``scope`` valid ``days``; its deep link (shown once)."""
    _admin(staff)
    if role not in invites.INVITABLE:
        raise Refused("invites.refused.role", role=role)
    if not 1 <= days <= MAX_DAYS:
        raise Refused("invites.refused.days", max=MAX_DAYS)
    async with transaction(app) as session:
        try:
            token = await invites.create(session, app.secret, app.plan, role, scope.strip(), ttl=timedelta(days=days))
        except MeydanError:
            raise Refused(f"invites.refused.scope_{role}", scope=scope) from None
        stored = await session.scalar(select(Invite).where(Invite.token_hash == invites.token_hash(app.secret, token)))
        assert stored is not None
        record(session, staff.actor, "invite.created", "invite", stored.id, role=role, scope=scope, days=days)
    return deep_link(app.settings.api_base, app.settings.bot_username, INVITE_PREFIX + token)


async def listing(app: AppContext, staff: Staff, now: datetime | None = None) -> list[InviteLine]:
    """Every invite, newest first, with its state."""
    _admin(staff)
    now = now or utcnow()
    async with transaction(app) as session:
        found = (await session.scalars(select(Invite).order_by(Invite.id.desc()))).all()
    return [InviteLine(invite, state_of(invite, now)) for invite in found]


async def _invite(session: AsyncSession, invite_id: int) -> Invite:
    invite = await session.get(Invite, invite_id)
    if invite is None:
        raise Refused("invites.refused.unknown", id=invite_id)
    return invite


async def revoke(app: AppContext, staff: Staff, invite_id: int) -> Invite:
    """Withdraw an open invite so its link no longer works; revoking twice changes nothing, and a used or
    expired invite cannot be revoked (Refused says which)."""
    _admin(staff)
    now = utcnow()
    async with transaction(app) as session:
        invite = await _invite(session, invite_id)
        state = state_of(invite, now)
        if state == "revoked":
            return invite
        if state != "open":
            raise Refused(f"invites.refused.revoke_{state}", id=invite_id)
        invite.revoked_at = now
        record(session, staff.actor, "invite.revoked", "invite", invite.id, role=invite.role, scope=invite.scope)
        return invite
