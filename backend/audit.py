"""The audit log: one append-only entry for each vote, role change and console action."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from backend.models import AuditEntry, utcnow


def record(session: AsyncSession, actor: str | None, action: str, entity: str, entity_id: object, **data: Any) -> None:
    """Append who (``actor``), when (now), what (``action`` on ``entity`` ``entity_id``, with ``data``)."""
    session.add(AuditEntry(at=utcnow(), actor=actor, action=action, entity=entity, entity_id=str(entity_id), data=data))
