"""The lifecycle of problems (and of strategies, policies, projects): stages recorded when they happen,
and what each contributor was last told about each of their findings."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from backend.models.base import Base, BigId, id_column

SUBJECTS = ("problem", "strategy", "policy", "project")
STAGES = (
    "received",
    "integrated",
    "ranked",
    "on_agenda",
    "approved",
    "rejected",
    "in_plan",
    "in_execution",
    "done",
)


class StageEvent(Base):
    """One stage a subject reached, at its time: ``body`` for agendas and decisions, ``rank`` when
    ranked, ``percent`` in execution, ``detail`` the reasons of a rejection or a milestone's note.
    ``key`` makes recording the same happening twice a no-op."""

    __tablename__ = "stage_events"

    id: Mapped[int] = id_column()
    key: Mapped[str] = mapped_column(String(200), unique=True)
    subject: Mapped[str] = mapped_column(String(16))
    subject_id: Mapped[int] = mapped_column(BigId, index=True)
    stage: Mapped[str] = mapped_column(String(20))
    body: Mapped[str | None] = mapped_column(String(40))
    rank: Mapped[int | None] = mapped_column(Integer)
    percent: Mapped[int | None] = mapped_column(Integer)
    detail: Mapped[str | None] = mapped_column(Text)
    at: Mapped[datetime]


class StageNotice(Base):
    """The latest stage event a contributor was told about for one finding (the weekly batch)."""

    __tablename__ = "stage_notices"

    participant_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("participants.id", ondelete="CASCADE"), primary_key=True
    )
    finding_id: Mapped[int] = mapped_column(BigId, ForeignKey("findings.id", ondelete="CASCADE"), primary_key=True)
    event_id: Mapped[int] = mapped_column(BigId)
