"""APScheduler 3 running the registered jobs, each firing once across processes and restarts.

Jobs live in the memory job store and are added from code at every start (fixed ids, nothing
pickled). A firing is first claimed in ``job_runs`` (key: its scheduled time), so a second scheduler
that fires too — an old leader that has not yet noticed it lost the lock — does nothing. At start-up
a job with ``catch_up`` runs its latest missed firing, or takes over one its previous runner left
unfinished.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine, Sequence
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from aiogram import Bot
from apscheduler.executors.base import BaseExecutor
from apscheduler.job import Job
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.triggers.base import BaseTrigger

from backend.context import AppContext
from backend.models import utcnow
from backend.services import jobs as job_runs
from bot.scheduling.registry import JobContext, ScheduledJob

log = logging.getLogger("meydan.scheduler")
MISFIRE_GRACE = timedelta(minutes=5)


class FiringExecutor(BaseExecutor):
    """Runs a coroutine job as a task, its arguments followed by the firing's scheduled run times.

    (APScheduler 3 passes those times only to executors; ``_do_submit_job`` is its extension point.)
    """

    def __init__(self) -> None:
        super().__init__()
        self._running: set[asyncio.Task[Any]] = set()

    def _do_submit_job(self, job: Job, run_times: list[datetime]) -> None:
        self.spawn(job.func(*job.args, *run_times), partial(self._finished, job.id))

    def spawn(
        self, coro: Coroutine[Any, Any, Any], finished: Callable[[asyncio.Task[Any]], None] | None = None
    ) -> None:
        """Run ``coro`` as a task that ``wait`` will wait for."""
        task = asyncio.get_running_loop().create_task(coro)
        self._running.add(task)
        task.add_done_callback(self._running.discard)
        if finished is not None:
            task.add_done_callback(finished)

    def _finished(self, job_id: str, task: asyncio.Task[Any]) -> None:
        error = None if task.cancelled() else task.exception()
        if error is None:
            self._run_job_success(job_id, [])
        else:
            self._run_job_error(job_id, error, error.__traceback__)

    async def wait(self, timeout: float) -> None:
        """Let running jobs finish for up to ``timeout`` seconds, then cancel them."""
        if not self._running:
            return
        _, late = await asyncio.wait(set(self._running), timeout=timeout)
        for task in late:
            task.cancel()
        await asyncio.gather(*late, return_exceptions=True)


def last_firing(trigger: BaseTrigger, now: datetime, window: timedelta) -> datetime | None:
    """The latest fire time of ``trigger`` in ``(now - window, now]``, or None."""
    last, fire = None, trigger.get_next_fire_time(None, now - window)
    while fire is not None and fire <= now:
        last = fire
        fire = trigger.get_next_fire_time(fire, fire + timedelta(microseconds=1))
    return last


class JobScheduler:
    """Runs ``jobs`` in the plan's time zone for as long as it is started (on the leader only)."""

    def __init__(
        self,
        bot: Bot,
        app: AppContext,
        jobs: Sequence[ScheduledJob],
        *,
        owner: str,
        clock: Callable[[], datetime] = utcnow,
        stop_timeout: float = 30.0,
    ) -> None:
        self.bot = bot
        self.app = app
        self.jobs = list(jobs)
        self.owner = owner
        self.clock = clock
        self.stop_timeout = stop_timeout
        self._executor = FiringExecutor()
        self._scheduler: BaseScheduler = AsyncIOScheduler(
            timezone=app.zone,
            executors={"default": self._executor},
            job_defaults={
                "coalesce": True,
                "max_instances": 1,
                "misfire_grace_time": int(MISFIRE_GRACE.total_seconds()),
            },
        )

    async def start(self) -> None:
        """Add every job, start firing, and start the catch-up runs."""
        for job in self.jobs:
            self._scheduler.add_job(self._due, job.trigger, args=(job,), id=job.id, name=job.id, replace_existing=True)
        self._scheduler.start()
        now = self.clock()
        for job in self.jobs:
            missed = last_firing(job.trigger, now, job.catch_up) if job.catch_up else None
            if missed is not None:
                self._executor.spawn(self.fire(job, missed, take_over=True))
        log.info("scheduler started with %d jobs", len(self.jobs))

    async def stop(self) -> None:
        """Stop firing; running jobs get ``stop_timeout`` seconds to finish."""
        if self._scheduler.running:
            self._scheduler.shutdown(wait=False)
        await self._executor.wait(self.stop_timeout)

    async def _due(self, job: ScheduledJob, *run_times: datetime) -> bool:
        """APScheduler's entry: the latest of the (coalesced) run times is the firing to run."""
        return await self.fire(job, run_times[-1])

    async def fire(self, job: ScheduledJob, fired_at: datetime, *, take_over: bool = False) -> bool:
        """Run ``job`` for the firing at ``fired_at`` unless it was claimed already; whether it ran.

        A job that raises is logged and recorded with its error; a cancelled run stays unfinished,
        for the next leader to take over.
        """
        key = job_runs.run_key(fired_at)
        async with self.app.sessions() as session, session.begin():
            claimed = await job_runs.claim_run(
                session, job.id, key, owner=self.owner, now=self.clock(), take_over=take_over
            )
        if not claimed:
            log.debug("job %s at %s already ran elsewhere", job.id, key)
            return False
        error = None
        try:
            await job.run(JobContext(self.bot, self.app, fired_at))
        except Exception as exc:
            log.exception("job %s at %s failed", job.id, key)
            error = f"{exc.__class__.__name__}: {exc}"
        async with self.app.sessions() as session, session.begin():
            await job_runs.finish_run(session, job.id, key, owner=self.owner, now=self.clock(), error=error)
        return True
