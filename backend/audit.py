"""The audit trail: one append-only entry per console or committee action (who, what, on what)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from backend.models import AuditEntry, utcnow


def record(session: AsyncSession, actor: str | None, action: str, entity: str, entity_id: object, **data: Any) -> None:
    """Append an audit entry in the caller's transaction, so it stands or falls with the action."""
    session.add(AuditEntry(at=utcnow(), actor=actor, action=action, entity=entity, entity_id=str(entity_id), data=data))
