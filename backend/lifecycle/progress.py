"""Execution progress of a problem or action in the plan: percent and milestones, then done."""

from __future__ import annotations

import hashlib
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from backend.errors import MeydanError
from backend.jalali import utcnow
from backend.lifecycle import stages
from backend.models import AuditEntry, Finding, Problem

DONE = 100


async def record_progress(
    session: AsyncSession,
    subject_id: int,
    *,
    percent: int,
    note: str | None = None,
    subject: str = stages.PROBLEM,
    actor: str | None = None,
    at: datetime | None = None,
) -> stages.Stage:
    """Record a milestone of execution (``in_execution`` with its percent and note; ``done`` at 100).

    The subject must exist; percent is 0..100. The same entry again (same percent and note) changes
    nothing. Written to the audit log."""
    if not 0 <= percent <= DONE:
        raise MeydanError(f"percent must be between 0 and 100, not {percent}")
    model = Problem if subject == stages.PROBLEM else Finding
    if await session.get(model, subject_id) is None:
        raise MeydanError(f"there is no {subject} #{subject_id}")
    text = (note or "").strip() or None
    stage = "done" if percent == DONE else "in_execution"
    now = at or utcnow()
    row = stages.event(
        f"{percent}:{hashlib.sha256((text or '').encode()).hexdigest()[:16]}",
        subject_id,
        stage,
        subject=subject,
        at=now,
        percent=percent,
        detail=text,
    )
    if await stages.record(session, [row]):
        session.add(
            AuditEntry(
                at=now,
                actor=actor,
                action="lifecycle.progress",
                entity=subject,
                entity_id=str(subject_id),
                data={"percent": percent, "note": text},
            )
        )
    return (await stages.latest(session, [subject_id], subject))[subject_id]
