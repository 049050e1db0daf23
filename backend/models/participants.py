"""Participants (messenger users), their roles and invitations."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backend.models.base import Base, BigId, Timestamped, id_column

ROLES = ("citizen", "facilitator", "ngo", "member", "admin")


class Participant(Timestamped, Base):
    """A messenger user. ``pseudonym`` is a keyed hash; ``telegram_id`` is cleared by /forget."""

    __tablename__ = "participants"
    __table_args__ = (Index("ix_participants_created_at", "created_at"),)  # new participants on the dashboard

    id: Mapped[int] = id_column()
    pseudonym: Mapped[str] = mapped_column(String(64), unique=True)
    telegram_id: Mapped[int | None] = mapped_column(BigInteger, unique=True)
    language: Mapped[str] = mapped_column(String(8), default="fa")
    stakeholder_group: Mapped[str | None] = mapped_column(String(40))
    district: Mapped[str | None] = mapped_column(String(40))
    consent_at: Mapped[datetime | None]
    forgotten_at: Mapped[datetime | None]
    unreachable_at: Mapped[datetime | None]

    roles: Mapped[list[Role]] = relationship(back_populates="participant", cascade="all, delete-orphan")


class Role(Timestamped, Base):
    """A role of a participant, scoped to a working group, forum or body where it applies.

    ``organization`` is who the holder speaks for (an NGO in a forum), asked when they join.
    """

    __tablename__ = "roles"
    __table_args__ = (UniqueConstraint("participant_id", "role", "scope"),)

    id: Mapped[int] = id_column()
    participant_id: Mapped[int] = mapped_column(BigId, ForeignKey("participants.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(20))
    scope: Mapped[str] = mapped_column(String(80), default="")
    organization: Mapped[str | None] = mapped_column(Text)

    participant: Mapped[Participant] = relationship(back_populates="roles")


class Invite(Timestamped, Base):
    """A one-time invitation to a role; only the token's hash is stored."""

    __tablename__ = "invites"

    id: Mapped[int] = id_column()
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[str] = mapped_column(String(20))
    scope: Mapped[str] = mapped_column(String(80), default="")
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    used_by: Mapped[int | None] = mapped_column(BigId, ForeignKey("participants.id", ondelete="SET NULL"))
    created_by: Mapped[int | None] = mapped_column(BigId, ForeignKey("participants.id", ondelete="SET NULL"))
