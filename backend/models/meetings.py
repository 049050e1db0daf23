"""Meetings (interviews, forums, sessions) and the notes logged in them."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backend.models.base import Base, BigId, Timestamped, id_column


class Meeting(Timestamped, Base):
    """An interview, NGO forum or session a facilitator records; ``kind`` is meeting or forum.

    ``status`` is draft (being set up; ``setup_step`` says which question is asked), open,
    paused or closed: the conversation state lives here, so it survives restarts.
    """

    __tablename__ = "meetings"

    id: Mapped[int] = id_column()
    kind: Mapped[str] = mapped_column(String(16), default="meeting")
    source: Mapped[str] = mapped_column(String(40))
    working_group: Mapped[str] = mapped_column(String(80), index=True)
    axes: Mapped[list[Any]] = mapped_column(default=list)
    held_on: Mapped[date] = mapped_column(index=True)
    district: Mapped[str | None] = mapped_column(String(40))
    stakeholder_groups: Mapped[list[Any]] = mapped_column(default=list)
    attendees: Mapped[int | None] = mapped_column(Integer)
    organizations: Mapped[str | None] = mapped_column(Text)
    facilitator_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("participants.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(String(16), default="open")
    setup_step: Mapped[str | None] = mapped_column(String(16))
    closed_at: Mapped[datetime | None]
    reminded_at: Mapped[datetime | None]

    notes: Mapped[list[Note]] = relationship(back_populates="meeting", order_by="Note.id")


class Note(Base):
    """One logged message of a meeting: text, voice, photo or document (file kept by id)."""

    __tablename__ = "notes"
    __table_args__ = (UniqueConstraint("meeting_id", "chat_id", "message_id"),)

    id: Mapped[int] = id_column()
    meeting_id: Mapped[int] = mapped_column(BigId, ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    participant_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("participants.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(String(16))
    text: Mapped[str | None] = mapped_column(Text)
    normalized_text: Mapped[str | None] = mapped_column(Text)
    file_id: Mapped[str | None] = mapped_column(String(255))
    file_unique_id: Mapped[str | None] = mapped_column(String(255))
    file_name: Mapped[str | None] = mapped_column(String(255))
    mime_type: Mapped[str | None] = mapped_column(String(120))
    file_size: Mapped[int | None] = mapped_column(BigInteger)
    chat_id: Mapped[int | None] = mapped_column(BigInteger)
    message_id: Mapped[int | None] = mapped_column(BigInteger)
    logged_at: Mapped[datetime]
    deleted_at: Mapped[datetime | None]

    meeting: Mapped[Meeting] = relationship(back_populates="notes")
