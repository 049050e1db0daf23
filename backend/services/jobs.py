"""Runs of scheduled jobs: each firing (job id + scheduled time) is claimed once, across processes.

A firing is claimed by inserting its row; a second process, or the same process after a restart,
finds the row and leaves the firing alone. A run whose process died keeps ``finished_at`` empty; the
next leader may take it over at start-up (``take_over``), so the firing still runs (jobs are written
to be idempotent, so a run cut short and repeated does no harm).
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import delete, update
from sqlalchemy.ext.asyncio import AsyncSession

from backend.models.operations import JobRun
from backend.services.inserts import insert_one_ignoring


def run_key(fired_at: datetime) -> str:
    """The key of a firing: its scheduled time in UTC, to the second."""
    return fired_at.astimezone(UTC).isoformat(timespec="seconds")


async def claim_run(
    session: AsyncSession, job_id: str, key: str, *, owner: str, now: datetime, take_over: bool = False
) -> bool:
    """Whether ``owner`` may run this firing: it was never claimed, or (``take_over``) it was claimed by
    another owner that never finished it."""
    row = {"job_id": job_id, "run_key": key, "owner": owner, "started_at": now}
    if await insert_one_ignoring(session, JobRun, row, ["job_id", "run_key"]):
        return True
    if not take_over:
        return False
    result = await session.execute(
        update(JobRun)
        .where(JobRun.job_id == job_id, JobRun.run_key == key, JobRun.finished_at.is_(None), JobRun.owner != owner)
        .values(owner=owner, started_at=now)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def finish_run(
    session: AsyncSession, job_id: str, key: str, *, owner: str, now: datetime, error: str | None = None
) -> None:
    """Record the end of a run (``error`` if it raised)."""
    await session.execute(
        update(JobRun)
        .where(JobRun.job_id == job_id, JobRun.run_key == key, JobRun.owner == owner)
        .values(finished_at=now, error=error)
    )


async def prune_runs(session: AsyncSession, before: datetime) -> int:
    """Forget finished runs that started before ``before``; how many."""
    result = await session.execute(delete(JobRun).where(JobRun.finished_at.is_not(None), JobRun.started_at < before))
    return int(result.rowcount)  # type: ignore[attr-defined]
