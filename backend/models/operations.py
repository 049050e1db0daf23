"""Operational records: the outbox of pushes, scheduled job runs, the audit log and processed updates."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from backend.models.base import Base, Timestamped, id_column


class OutboxMessage(Timestamped, Base):
    """An outgoing push, recorded before it is sent so a crash neither loses nor doubles it.

    ``status``: pending, sending (``not_before`` is then the sender's lease), sent, failed or
    unreachable (the user blocked the bot). ``attempts`` counts claims and fences stale senders.
    """

    __tablename__ = "outbox"

    id: Mapped[int] = id_column()
    dedupe_key: Mapped[str] = mapped_column(String(200), unique=True)
    chat_id: Mapped[int] = mapped_column(BigInteger, index=True)
    method: Mapped[str] = mapped_column(String(40))
    payload: Mapped[dict[str, Any]]
    status: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    not_before: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
    sent_message_id: Mapped[int | None] = mapped_column(BigInteger)
    error: Mapped[str | None] = mapped_column(Text)


class JobRun(Base):
    """One firing of a scheduled job (``run_key``: its scheduled time), so no firing runs twice."""

    __tablename__ = "job_runs"
    __table_args__ = (UniqueConstraint("job_id", "run_key"),)

    id: Mapped[int] = id_column()
    job_id: Mapped[str] = mapped_column(String(120))
    run_key: Mapped[str] = mapped_column(String(40))
    owner: Mapped[str] = mapped_column(String(80))
    started_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]
    error: Mapped[str | None] = mapped_column(Text)


class AuditEntry(Base):
    """An append-only record of who did what (votes, role changes, merges)."""

    __tablename__ = "audit_log"

    id: Mapped[int] = id_column()
    at: Mapped[datetime]
    actor: Mapped[str | None] = mapped_column(String(80))
    action: Mapped[str] = mapped_column(String(60), index=True)
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[str | None] = mapped_column(String(80))
    data: Mapped[dict[str, Any]]


class ProcessedUpdate(Base):
    """A messenger update already handled, so a re-delivered update changes nothing."""

    __tablename__ = "processed_updates"

    bot_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    processed_at: Mapped[datetime]
