"""Who a console user is: a messenger account, and the roles it holds right now (read on every request,
so a revoked role stops working at once)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.context import AppContext
from backend.models import Participant, Role

MEMBER = "member"
FACILITATOR = "facilitator"


@dataclass(frozen=True)
class Staff:
    """A person the console serves: an admin (MEYDAN_ADMIN_IDS), a member of bodies, a facilitator of groups."""

    messenger_id: int
    participant_id: int | None
    language: str | None
    is_admin: bool
    bodies: tuple[str, ...]
    working_groups: tuple[str, ...]

    @property
    def actor(self) -> str:
        """How the audit log names this person: the console and the messenger account."""
        return f"console:{self.messenger_id}"

    @property
    def is_staff(self) -> bool:
        """Whether the console has anything for this person."""
        return self.is_admin or bool(self.bodies) or bool(self.working_groups)

    @property
    def is_member(self) -> bool:
        """Whether this person sits on any body (or is an admin, who may see everything)."""
        return self.is_admin or bool(self.bodies)

    def member_of(self, body: str) -> bool:
        """Whether this person may act for ``body`` (admins may act for all)."""
        return self.is_admin or body in self.bodies

    def facilitates(self, working_group: str) -> bool:
        """Whether this person may act for ``working_group``'s meetings (admins may act for all)."""
        return self.is_admin or working_group in self.working_groups


async def staff_of(session: AsyncSession, app: AppContext, messenger_id: int) -> Staff:
    """The roles of a messenger account now."""
    participant = await session.scalar(select(Participant).where(Participant.telegram_id == messenger_id))
    roles: list[tuple[str, str]] = []
    if participant is not None:
        rows = await session.execute(
            select(Role.role, Role.scope)
            .where(Role.participant_id == participant.id, Role.role.in_((MEMBER, FACILITATOR)))
            .order_by(Role.id)
        )
        roles = [(role, scope) for role, scope in rows]
    return Staff(
        messenger_id=messenger_id,
        participant_id=participant.id if participant else None,
        language=participant.language if participant else None,
        is_admin=app.is_admin(messenger_id),
        bodies=tuple(scope for role, scope in roles if role == MEMBER),
        working_groups=tuple(scope for role, scope in roles if role == FACILITATOR),
    )
