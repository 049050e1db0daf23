"""Citizens' pairwise answers: which of two problems matters more."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from backend.models.base import Base, BigId, id_column

PAIR_CHOICES = ("low", "high", "equal", "skip", "unknown")
"""``low``/``high``: the problem with the lower/higher id matters more; ``equal``: both equally;
``skip`` and ``unknown`` ("I don't know this one") are kept so the pair is not asked again, and
count for exposure but not for strengths."""


class PairAnswer(Base):
    """One participant's answer on one pair of problems (``problem_low`` < ``problem_high``); a later
    answer on the same pair replaces it. ``district``: the district the question was asked for."""

    __tablename__ = "pair_answers"
    __table_args__ = (
        UniqueConstraint("participant_id", "problem_low", "problem_high"),
        Index("ix_pair_answers_district", "district"),
    )

    id: Mapped[int] = id_column()
    participant_id: Mapped[int] = mapped_column(BigId, ForeignKey("participants.id", ondelete="CASCADE"))
    problem_low: Mapped[int] = mapped_column(BigId, ForeignKey("problems.id", ondelete="CASCADE"))
    problem_high: Mapped[int] = mapped_column(BigId, ForeignKey("problems.id", ondelete="CASCADE"))
    choice: Mapped[str] = mapped_column(String(8))
    district: Mapped[str] = mapped_column(String(40))
    answered_at: Mapped[datetime]
