"""The moderation queue: findings newest first, citizens' own words before the rest, with their
intake flags and, computed here against the participant's earlier findings, near-exact repeats."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from difflib import SequenceMatcher
from typing import Literal

from sqlalchemy import ColumnElement, case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.models import Finding, ProblemFinding
from backend.moderation.flags import REPEAT

CITIZEN_SOURCE = "citizen_poll"
REPEAT_RATIO = 0.9  # similarity of two folded texts from which the later repeats the earlier
Show = Literal["all", "flagged", "hidden", "visible"]
_NOT_LETTERS = re.compile(r"[\W_]+")


@dataclass(frozen=True)
class QueueItem:
    """One finding as the committee reviews it."""

    id: int
    text: str
    kind: str
    source: str
    axis: str | None
    working_group: str | None
    district: str | None
    created_at: datetime
    flags: list[str]
    hidden_reason: str | None
    hidden: bool
    repeat_of: int | None = None
    problem_id: int | None = None


@dataclass(frozen=True)
class QueuePage:
    """A page of the queue and how many findings the filter holds in all."""

    items: list[QueueItem]
    total: int
    offset: int
    limit: int


def fold(text: str) -> str:
    """A text without punctuation, spacing or case: what a near-exact repeat shares."""
    return _NOT_LETTERS.sub("", text).lower()


def is_repeat(text: str, earlier: str) -> bool:
    """Whether ``text`` nearly repeats ``earlier`` (the same words, give or take a few characters)."""
    a, b = fold(text), fold(earlier)
    if not a or not b:
        return False
    return a == b or SequenceMatcher(None, a, b, autojunk=False).ratio() >= REPEAT_RATIO


def _chosen(show: Show, kind: str | None, source: str | None) -> list[ColumnElement[bool]]:
    chosen: list[ColumnElement[bool]] = [Finding.deleted_at.is_(None)]
    if show == "flagged":
        chosen.append(Finding.flags.is_not(None))
    elif show == "hidden":
        chosen.append(Finding.hidden_at.is_not(None))
    elif show == "visible":
        chosen.append(Finding.hidden_at.is_(None))
    if kind is not None:
        chosen.append(Finding.kind == kind)
    if source is not None:
        chosen.append(Finding.source == source)
    return chosen


async def _repeats(session: AsyncSession, rows: Sequence[Finding]) -> dict[int, int]:
    """For each finding of ``rows`` with a participant, the earlier finding of theirs it repeats."""
    participants = {row.participant_id for row in rows if row.participant_id is not None}
    if not participants:
        return {}
    earlier: dict[int | None, list[tuple[int, str]]] = {}
    for finding_id, participant_id, text in (
        await session.execute(
            select(Finding.id, Finding.participant_id, Finding.text)
            .where(Finding.participant_id.in_(sorted(participants)), Finding.deleted_at.is_(None))
            .order_by(Finding.id)
        )
    ).all():
        earlier.setdefault(participant_id, []).append((finding_id, text))
    found = {}
    for row in rows:
        for other_id, other_text in earlier.get(row.participant_id, []):
            if other_id >= row.id:
                break
            if is_repeat(row.text, other_text):
                found[row.id] = other_id
                break
    return found


async def queue(
    session: AsyncSession,
    *,
    show: Show = "all",
    kind: str | None = None,
    source: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> QueuePage:
    """A page of findings to moderate: citizens' free text first, then the rest, newest first."""
    chosen = _chosen(show, kind, source)
    total = await session.scalar(select(func.count()).select_from(Finding).where(*chosen)) or 0
    citizens_first = case((Finding.source == CITIZEN_SOURCE, 0), else_=1)
    rows = (
        await session.execute(
            select(Finding, ProblemFinding.problem_id)
            .outerjoin(ProblemFinding, ProblemFinding.finding_id == Finding.id)
            .where(*chosen)
            .order_by(citizens_first, Finding.id.desc())
            .offset(offset)
            .limit(limit)
        )
    ).all()
    findings = [row[0] for row in rows]
    repeats = await _repeats(session, findings)
    items = [
        QueueItem(
            id=f.id,
            text=f.text,
            kind=f.kind,
            source=f.source,
            axis=f.axis,
            working_group=f.working_group,
            district=f.district,
            created_at=f.created_at,
            flags=list(f.flags or []) + ([REPEAT] if f.id in repeats else []),
            hidden_reason=f.hidden_reason,
            hidden=f.hidden_at is not None,
            repeat_of=repeats.get(f.id),
            problem_id=problem_id,
        )
        for f, problem_id in rows
    ]
    return QueuePage(items, total, offset, limit)
