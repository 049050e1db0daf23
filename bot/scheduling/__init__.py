"""Scheduled jobs and leader election: with several bot processes only the leader runs the jobs
and the outbox sender. Features register job sources in ``bot.scheduling.registry.JOB_SOURCES``."""

from bot.scheduling.duties import leader_duties
from bot.scheduling.registry import JobContext, ScheduledJob, every, weekly

__all__ = ["JobContext", "ScheduledJob", "every", "leader_duties", "weekly"]
