"""Surveys, their versions, responses and answers."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backend.models.base import Base, BigId, Timestamped, id_column


class Survey(Timestamped, Base):
    """A questionnaire, identified by its code; its content lives in versions."""

    __tablename__ = "surveys"

    id: Mapped[int] = id_column()
    code: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[dict[str, Any]]
    is_open: Mapped[bool] = mapped_column(default=False)
    opens_at: Mapped[datetime | None]
    closes_at: Mapped[datetime | None]
    allow_multiple: Mapped[bool] = mapped_column(default=False)

    versions: Mapped[list[SurveyVersion]] = relationship(back_populates="survey", order_by="SurveyVersion.version")


class SurveyVersion(Timestamped, Base):
    """One immutable version of a survey's definition; answers point at the version they used."""

    __tablename__ = "survey_versions"
    __table_args__ = (UniqueConstraint("survey_id", "version"),)

    id: Mapped[int] = id_column()
    survey_id: Mapped[int] = mapped_column(BigId, ForeignKey("surveys.id", ondelete="CASCADE"))
    version: Mapped[int] = mapped_column(Integer)
    fingerprint: Mapped[str] = mapped_column(String(64))
    definition: Mapped[dict[str, Any]]

    survey: Mapped[Survey] = relationship(back_populates="versions")


class Response(Base):
    """One participant's pass through one survey version."""

    __tablename__ = "responses"

    id: Mapped[int] = id_column()
    survey_version_id: Mapped[int] = mapped_column(BigId, ForeignKey("survey_versions.id"), index=True)
    participant_id: Mapped[int] = mapped_column(BigId, ForeignKey("participants.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(16), default="in_progress")
    language: Mapped[str] = mapped_column(String(8), default="fa")
    district: Mapped[str | None] = mapped_column(String(40))
    stakeholder_group: Mapped[str | None] = mapped_column(String(40))
    started_at: Mapped[datetime] = mapped_column(index=True)  # the dashboard counts by these two
    completed_at: Mapped[datetime | None] = mapped_column(index=True)

    answers: Mapped[list[Answer]] = relationship(back_populates="response", cascade="all, delete-orphan")


class Answer(Base):
    """The value given to one question (or its skip); ``raw_text`` keeps what was typed, normalized beside it."""

    __tablename__ = "answers"
    __table_args__ = (UniqueConstraint("response_id", "question"),)

    id: Mapped[int] = id_column()
    response_id: Mapped[int] = mapped_column(BigId, ForeignKey("responses.id", ondelete="CASCADE"))
    question: Mapped[str] = mapped_column(String(80))
    value: Mapped[Any] = mapped_column(JSON)
    skipped: Mapped[bool] = mapped_column(default=False)
    raw_text: Mapped[str | None] = mapped_column(Text)
    normalized_text: Mapped[str | None] = mapped_column(Text)
    answered_at: Mapped[datetime]

    response: Mapped[Response] = relationship(back_populates="answers")
