"""The people page: who holds which role (admins, members of each body, facilitators of each working
group), and revoking a role, audited."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from backend.audit import record
from backend.console.staff import FACILITATOR, MEMBER, Staff
from backend.context import AppContext, transaction
from backend.errors import Refused
from backend.models import Participant, Role

REVOCABLE = (MEMBER, FACILITATOR)


@dataclass(frozen=True)
class Holder:
    """One role held: by whom (their pseudonym's first characters, never the account), since when."""

    role_id: int
    role: str
    scope: str
    participant: str
    organization: str | None
    since: datetime


@dataclass(frozen=True)
class Admin:
    """An admin listed in MEYDAN_ADMIN_IDS, and whether they have talked to the bot yet."""

    messenger_id: int
    participant: str | None


@dataclass(frozen=True)
class People:
    admins: list[Admin]
    members: dict[str, list[Holder]]  # body -> its members
    facilitators: dict[str, list[Holder]]  # working group -> its facilitators


def _short(pseudonym: str) -> str:
    return pseudonym[:10]


async def roster(app: AppContext) -> People:
    """Everyone holding a console role now, grouped by body and working group, oldest grant first."""
    async with transaction(app) as session:
        rows = await session.execute(
            select(Role, Participant.pseudonym)
            .join(Participant, Participant.id == Role.participant_id)
            .where(Role.role.in_(REVOCABLE))
            .order_by(Role.scope, Role.id)
        )
        admins = await session.execute(
            select(Participant.telegram_id, Participant.pseudonym).where(
                Participant.telegram_id.in_(app.settings.admin_ids)
            )
        )
        known = {messenger_id: _short(pseudonym) for messenger_id, pseudonym in admins}
    members: dict[str, list[Holder]] = {}
    facilitators: dict[str, list[Holder]] = {}
    for role, pseudonym in rows:
        holder = Holder(role.id, role.role, role.scope, _short(pseudonym), role.organization, role.created_at)
        (members if role.role == MEMBER else facilitators).setdefault(role.scope, []).append(holder)
    return People(
        admins=[Admin(i, known.get(i)) for i in app.settings.admin_ids], members=members, facilitators=facilitators
    )


async def revoke(app: AppContext, staff: Staff, role_id: int) -> Holder:
    """An admin takes a member's or facilitator's role away; the audit log keeps who, when and what."""
    if not staff.is_admin:
        raise Refused("refused.admin_only")
    async with transaction(app) as session:
        found = await session.execute(
            select(Role, Participant.pseudonym)
            .join(Participant, Participant.id == Role.participant_id)
            .where(Role.id == role_id, Role.role.in_(REVOCABLE))
        )
        row = found.first()
        if row is None:
            raise Refused("people.gone")
        role, pseudonym = row
        holder = Holder(role.id, role.role, role.scope, _short(pseudonym), role.organization, role.created_at)
        await session.delete(role)
        record(
            session,
            staff.actor,
            "role.revoked",
            "role",
            role_id,
            role=role.role,
            scope=role.scope,
            participant=pseudonym,
        )
    return holder
