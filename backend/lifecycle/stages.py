"""Recording stages when they happen, and reading where a subject stands.

Stages come from the events that already exist: integration creates a problem (``integrated``), the
first body's agenda ranks it (``ranked`` #n) and every agenda puts it before a body (``on_agenda``),
each decision approves or rejects it (with the reasons), the last body's approval puts it in the plan
(``in_plan``); execution progress and ``done`` are entered by people (``backend.lifecycle.progress``).
Each event has a key, so recording the same happening twice keeps one row.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.jalali import utcnow
from backend.models import StageEvent
from backend.services.inserts import insert_ignoring

PROBLEM = "problem"
RECEIVED = "received"
_CHUNK = 2_000


@dataclass(frozen=True)
class Stage:
    """Where a subject stands: its latest event (``received`` when it has none yet)."""

    stage: str
    at: datetime | None = None
    body: str | None = None
    rank: int | None = None
    percent: int | None = None
    detail: str | None = None
    event_id: int = 0


def event(
    key: str,
    subject_id: int,
    stage: str,
    *,
    subject: str = PROBLEM,
    at: datetime | None = None,
    body: str | None = None,
    rank: int | None = None,
    percent: int | None = None,
    detail: str | None = None,
) -> dict[str, Any]:
    """One stage event's row; ``key`` names the happening (an agenda, a decision, an entry)."""
    return {
        "key": f"{subject}:{subject_id}:{stage}:{key}",
        "subject": subject,
        "subject_id": subject_id,
        "stage": stage,
        "body": body,
        "rank": rank,
        "percent": percent,
        "detail": detail,
        "at": at or utcnow(),
    }


async def record(session: AsyncSession, events: Sequence[dict[str, Any]]) -> int:
    """Record events (built by ``event``); those recorded already are skipped. How many were new."""
    added = 0
    for start in range(0, len(events), _CHUNK):
        added += await insert_ignoring(session, StageEvent, list(events[start : start + _CHUNK]), ["key"])
    return added


async def integrated(session: AsyncSession, problem_ids: Iterable[int], at: datetime | None = None) -> None:
    """New problems made by integration (or a split)."""
    now = at or utcnow()
    await record(session, [event("created", p, "integrated", at=now) for p in problem_ids])


def _row(row: StageEvent) -> Stage:
    return Stage(row.stage, row.at, row.body, row.rank, row.percent, row.detail, row.id)


async def latest(session: AsyncSession, subject_ids: Sequence[int], subject: str = PROBLEM) -> dict[int, Stage]:
    """Each subject's latest stage (subjects without events are left out)."""
    found: dict[int, Stage] = {}
    for start in range(0, len(subject_ids), _CHUNK):
        chunk = subject_ids[start : start + _CHUNK]
        last = (
            select(func.max(StageEvent.id))
            .where(StageEvent.subject == subject, StageEvent.subject_id.in_(chunk))
            .group_by(StageEvent.subject_id)
        )
        for row in await session.scalars(select(StageEvent).where(StageEvent.id.in_(last))):
            found[row.subject_id] = _row(row)
    return found


async def latest_all(session: AsyncSession, subject: str = PROBLEM) -> dict[int, Stage]:
    """Every subject's latest stage."""
    last = select(func.max(StageEvent.id)).where(StageEvent.subject == subject).group_by(StageEvent.subject_id)
    rows = await session.scalars(select(StageEvent).where(StageEvent.id.in_(last)))
    return {row.subject_id: _row(row) for row in rows}


async def history(session: AsyncSession, subject_id: int, subject: str = PROBLEM) -> list[Stage]:
    """A subject's stages in the order they happened."""
    rows = await session.scalars(
        select(StageEvent)
        .where(StageEvent.subject == subject, StageEvent.subject_id == subject_id)
        .order_by(StageEvent.at, StageEvent.id)
    )
    return [_row(row) for row in rows]
