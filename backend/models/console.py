"""The console's sign-in: one-time links sent by the bot, and the sessions they open."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from backend.models.base import Base, Timestamped, id_column


class SignInLink(Timestamped, Base):
    """A one-time sign-in link for a messenger account; only the token's keyed hash is stored."""

    __tablename__ = "console_links"

    id: Mapped[int] = id_column()
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    messenger_id: Mapped[int] = mapped_column(BigInteger)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]


class ConsoleSession(Timestamped, Base):
    """A signed-in browser: ended by signing out, or by ``last_seen_at`` falling behind the idle timeout."""

    __tablename__ = "console_sessions"

    id: Mapped[int] = id_column()
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    messenger_id: Mapped[int] = mapped_column(BigInteger, index=True)
    last_seen_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]
