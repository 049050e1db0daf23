"""Roles: what a participant may do, and where (a working group, a forum, a body)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.models import Role


async def grant(session: AsyncSession, participant_id: int, role: str, scope: str = "") -> Role:
    """Give a participant a role in a scope; granting one they already hold changes nothing."""
    found = await session.scalar(
        select(Role).where(Role.participant_id == participant_id, Role.role == role, Role.scope == scope)
    )
    if found is None:
        found = Role(participant_id=participant_id, role=role, scope=scope)
        session.add(found)
        await session.flush()
    return found


async def scopes(session: AsyncSession, participant_id: int, role: str) -> list[str]:
    """The scopes in which the participant holds ``role``, oldest grant first."""
    return list(
        (
            await session.scalars(
                select(Role.scope).where(Role.participant_id == participant_id, Role.role == role).order_by(Role.id)
            )
        ).all()
    )


async def has_role(session: AsyncSession, participant_id: int, role: str, scope: str | None = None) -> bool:
    """Whether the participant holds ``role`` (in ``scope`` when given)."""
    query = select(Role.id).where(Role.participant_id == participant_id, Role.role == role)
    if scope is not None:
        query = query.where(Role.scope == scope)
    return await session.scalar(query.limit(1)) is not None
