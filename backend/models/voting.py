"""Agendas sent to bodies, members' votes and the bodies' decisions."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backend.models.base import Base, BigId, Timestamped, id_column

VOTE_CHOICES = ("approve", "reject", "abstain")


class Agenda(Timestamped, Base):
    """A priority list sent to one body for a vote, open until its deadline."""

    __tablename__ = "agendas"

    id: Mapped[int] = id_column()
    body: Mapped[str] = mapped_column(String(40), index=True)
    status: Mapped[str] = mapped_column(String(16), default="open")
    opens_at: Mapped[datetime]
    deadline: Mapped[datetime]
    extended: Mapped[bool] = mapped_column(default=False)

    items: Mapped[list[AgendaItem]] = relationship(back_populates="agenda", order_by="AgendaItem.rank")


class AgendaItem(Base):
    """One ranked problem on an agenda, with its score and explanation at push time."""

    __tablename__ = "agenda_items"
    __table_args__ = (UniqueConstraint("agenda_id", "problem_id"),)

    id: Mapped[int] = id_column()
    agenda_id: Mapped[int] = mapped_column(BigId, ForeignKey("agendas.id", ondelete="CASCADE"))
    problem_id: Mapped[int] = mapped_column(BigId, ForeignKey("problems.id", ondelete="CASCADE"))
    rank: Mapped[int] = mapped_column(Integer)
    score: Mapped[float]
    explanation: Mapped[dict[str, Any]]

    agenda: Mapped[Agenda] = relationship(back_populates="items")


class Vote(Base):
    """A member's current choice on an agenda item; every change is also in the audit log."""

    __tablename__ = "votes"
    __table_args__ = (UniqueConstraint("agenda_item_id", "participant_id"),)

    id: Mapped[int] = id_column()
    agenda_item_id: Mapped[int] = mapped_column(BigId, ForeignKey("agenda_items.id", ondelete="CASCADE"))
    participant_id: Mapped[int] = mapped_column(BigId, ForeignKey("participants.id", ondelete="CASCADE"))
    choice: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str | None] = mapped_column(Text)
    comment: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[datetime]


class Decision(Timestamped, Base):
    """A body's result on an agenda item under its rule (quorum and pass rule)."""

    __tablename__ = "decisions"

    id: Mapped[int] = id_column()
    agenda_item_id: Mapped[int] = mapped_column(BigId, ForeignKey("agenda_items.id", ondelete="CASCADE"), unique=True)
    outcome: Mapped[str] = mapped_column(String(16))
    tally: Mapped[dict[str, Any]]
    next_body: Mapped[str | None] = mapped_column(String(40))
