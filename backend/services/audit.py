"""The audit log: who did what and when, for every vote and every console action."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from backend.models import AuditEntry, utcnow


def audit(session: AsyncSession, action: str, entity: str, entity_id: object, actor: str | None, **data: Any) -> None:
    """Append one entry to the audit log (never updated or deleted)."""
    session.add(AuditEntry(at=utcnow(), actor=actor, action=action, entity=entity, entity_id=str(entity_id), data=data))
