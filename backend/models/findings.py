"""Findings (raw statements), imports they came from, and the problems that merge them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ColumnElement, ForeignKey, Index, Integer, String, Text, UniqueConstraint, and_
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backend.models.base import Base, BigId, Timestamped, id_column

FINDING_KINDS = ("problem", "strategy", "policy", "project")


class ImportBatch(Timestamped, Base):
    """One imported file (Shahr-e Man or 137 export); the file hash makes re-imports no-ops."""

    __tablename__ = "import_batches"

    id: Mapped[int] = id_column()
    kind: Mapped[str] = mapped_column(String(20))
    file_name: Mapped[str] = mapped_column(String(255))
    file_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    row_count: Mapped[int] = mapped_column(Integer, default=0)


class ImportRow(Base):
    """One source row of an import, kept whole as evidence; ``fingerprint`` makes it import once."""

    __tablename__ = "import_rows"
    __table_args__ = (UniqueConstraint("batch_id", "row_number"),)

    id: Mapped[int] = id_column()
    batch_id: Mapped[int] = mapped_column(BigId, ForeignKey("import_batches.id", ondelete="CASCADE"))
    row_number: Mapped[int] = mapped_column(Integer)
    fingerprint: Mapped[str] = mapped_column(String(64), unique=True)
    data: Mapped[dict[str, Any]]


class Finding(Timestamped, Base):
    """One raw statement (problem, strategy, policy or project) with where it came from."""

    __tablename__ = "findings"
    __table_args__ = (Index("ix_findings_created_at", "created_at"),)  # the dashboard counts new findings

    id: Mapped[int] = id_column()
    kind: Mapped[str] = mapped_column(String(16), index=True)
    text: Mapped[str] = mapped_column(Text)
    normalized_text: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(40), index=True)
    stakeholder_group: Mapped[str | None] = mapped_column(String(40))
    working_group: Mapped[str | None] = mapped_column(String(80), index=True)
    axis: Mapped[str | None] = mapped_column(String(40), index=True)
    district: Mapped[str | None] = mapped_column(String(40))
    severity: Mapped[int | None] = mapped_column(Integer)
    organization: Mapped[str | None] = mapped_column(Text)
    participant_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("participants.id", ondelete="SET NULL"))
    meeting_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    note_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("notes.id", ondelete="SET NULL"))
    answer_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("answers.id", ondelete="SET NULL"), unique=True)
    import_row_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("import_rows.id", ondelete="CASCADE"), unique=True
    )
    parent_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("findings.id", ondelete="SET NULL"), index=True)
    deleted_at: Mapped[datetime | None]
    flags: Mapped[list[Any] | None] = mapped_column(JSON(none_as_null=True))  # at intake (backend.moderation.flags)
    hidden_at: Mapped[datetime | None] = mapped_column(index=True)  # hidden by the committee (kept, not counted)
    hidden_reason: Mapped[str | None] = mapped_column(Text)
    hidden_by: Mapped[str | None] = mapped_column(String(80))


def counted() -> ColumnElement[bool]:
    """Findings that count in integration, aggregation and ranking: neither deleted by their author
    nor hidden by the committee (a hidden finding is kept, shown in exports with its status)."""
    return and_(Finding.deleted_at.is_(None), Finding.hidden_at.is_(None))


PROPOSED, CONFIRMED, RETIRED = "proposed", "confirmed", "retired"  # a problem's status


class Problem(Timestamped, Base):
    """A merged, canonical problem supported by many findings."""

    __tablename__ = "problems"

    id: Mapped[int] = id_column()
    title: Mapped[str] = mapped_column(Text)
    public_title: Mapped[str | None] = mapped_column(Text)  # the committee's wording for the public pages
    axis: Mapped[str | None] = mapped_column(String(40), index=True)
    status: Mapped[str] = mapped_column(String(16), default=PROPOSED)

    links: Mapped[list[ProblemFinding]] = relationship(back_populates="problem", cascade="all, delete-orphan")


class ProblemFinding(Base):
    """A finding's membership in a problem; each finding supports at most one problem."""

    __tablename__ = "problem_findings"

    problem_id: Mapped[int] = mapped_column(BigId, ForeignKey("problems.id", ondelete="CASCADE"), primary_key=True)
    finding_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("findings.id", ondelete="CASCADE"), primary_key=True, unique=True
    )
    similarity: Mapped[float | None]
    reason: Mapped[dict[str, Any] | None]  # why integration put it here (``backend.integration.matching.reason``)
    confirmed: Mapped[bool] = mapped_column(default=False)

    problem: Mapped[Problem] = relationship(back_populates="links")


class ProblemSuggestion(Base):
    """Two problems alike enough that the committee may want to merge them (computed by each
    integration run): their similarity and the words they share. Gone with either problem."""

    __tablename__ = "problem_suggestions"

    problem_id: Mapped[int] = mapped_column(BigId, ForeignKey("problems.id", ondelete="CASCADE"), primary_key=True)
    other_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("problems.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    similarity: Mapped[float]
    shared: Mapped[list[Any]]


class WeightVersion(Timestamped, Base):
    """A version of the ranking's criteria weights the committee saved, with the ranking it gave then
    (``ranking``: [problem id, rank, score] best first). The newest version ranks from then on."""

    __tablename__ = "weight_versions"

    id: Mapped[int] = id_column()
    weights: Mapped[dict[str, Any]]
    method: Mapped[str] = mapped_column(String(16))  # "weights" (sliders) or "ahp" (pairwise matrix)
    consistency_ratio: Mapped[float | None]
    note: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[str | None] = mapped_column(String(80))
    ranking: Mapped[list[Any]]


class MergeDecision(Timestamped, Base):
    """A person's confirmed decision that two findings belong together or apart."""

    __tablename__ = "merge_decisions"
    __table_args__ = (UniqueConstraint("finding_a", "finding_b"),)

    id: Mapped[int] = id_column()
    finding_a: Mapped[int] = mapped_column(BigId, ForeignKey("findings.id", ondelete="CASCADE"))
    finding_b: Mapped[int] = mapped_column(BigId, ForeignKey("findings.id", ondelete="CASCADE"))
    together: Mapped[bool]
    decided_by: Mapped[str | None] = mapped_column(String(80))
