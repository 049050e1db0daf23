"""Execution progress of a problem or action in the plan: percent and milestones, then done."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.context import AppContext, transaction
from backend.errors import MeydanError, Refused
from backend.jalali import utcnow
from backend.lifecycle import stages
from backend.models import AuditEntry, Finding, Problem
from backend.text import parse_int

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


PLAN_STAGES = ("in_plan", "in_execution", "done")


@dataclass(frozen=True)
class InPlan:
    """A problem of the approved plan and where its execution stands."""

    id: int
    public_title: str | None
    stage: stages.Stage


async def in_plan(app: AppContext) -> list[InPlan]:
    """The problems of the approved plan (in the plan, in execution or done), by number."""
    async with app.sessions() as session:
        latest = await stages.latest_all(session)
        ids = sorted(p for p, s in latest.items() if s.stage in PLAN_STAGES)
        titles = dict(
            (await session.execute(select(Problem.id, Problem.public_title).where(Problem.id.in_(ids)))).all()
        )
    return [InPlan(p, titles.get(p), latest[p]) for p in ids]


async def enter_progress(app: AppContext, actor: str, problem_id: int, percent: str, note: str | None) -> stages.Stage:
    """Progress entered in the console: a problem of the approved plan, a percent typed in any digits."""
    share = parse_int(percent)
    if share is None or not 0 <= share <= DONE:
        raise Refused("progress.bad_percent")
    async with transaction(app) as session:
        latest = (await stages.latest(session, [problem_id])).get(problem_id)
        if latest is None or latest.stage not in PLAN_STAGES:
            raise Refused("progress.not_in_plan", problem=problem_id)
        return await record_progress(session, problem_id, percent=share, note=note, actor=actor)
