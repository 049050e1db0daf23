"""The pairwise answers and the problems they are about, in the database."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any

import pandas as pd
from sqlalchemy import and_, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from backend.aggregation.sql import read_frame
from backend.models import Finding, PairAnswer, Participant, Problem, ProblemFinding
from backend.models.findings import RETIRED


def shown_title(problem: Any) -> str:
    """The title citizens see: the committee's public title when the problem has one, else its title."""
    return getattr(problem, "public_title", None) or problem.title


async def record(
    session: AsyncSession, participant_id: int, district: str, low: int, high: int, choice: str, at: datetime
) -> str | None:
    """Store the participant's answer on the pair, replacing an earlier one; the choice it replaced
    (None: a first answer)."""
    before = await session.scalar(
        select(PairAnswer.choice)
        .where(
            PairAnswer.participant_id == participant_id, PairAnswer.problem_low == low, PairAnswer.problem_high == high
        )
        .with_for_update()
    )
    row = dict(participant_id=participant_id, problem_low=low, problem_high=high, choice=choice, district=district)
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    statement = dialect.insert(PairAnswer).values(**row, answered_at=at)
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=["participant_id", "problem_low", "problem_high"],
            set_=dict(choice=choice, district=district, answered_at=at),
        )
    )
    return before


async def answered_by(session: AsyncSession, messenger_id: int) -> list[tuple[int, int]] | None:
    """The pairs (low, high problem id) the participant linked to a messenger account has answered,
    any way, read in one query; None when no participant is linked to it."""
    rows = (
        await session.execute(
            select(Participant.id, PairAnswer.problem_low, PairAnswer.problem_high)
            .outerjoin(PairAnswer, PairAnswer.participant_id == Participant.id)
            .where(Participant.telegram_id == messenger_id)
        )
    ).all()
    if not rows:
        return None
    return [(low, high) for _, low, high in rows if low is not None]


async def answers(
    session: AsyncSession, district: str | None = None, until: datetime | None = None, since: datetime | None = None
) -> pd.DataFrame:
    """Answers (index ``id``: ``low``, ``high``, ``choice``) given for ``district`` (None: every
    district), answered before ``until`` and from ``since`` on, if given."""
    query = select(PairAnswer.id, PairAnswer.problem_low, PairAnswer.problem_high, PairAnswer.choice)
    if district is not None:
        query = query.where(PairAnswer.district == district)
    if until is not None:
        query = query.where(PairAnswer.answered_at < until)
    if since is not None:
        query = query.where(PairAnswer.answered_at >= since)
    return (await read_frame(session, query, ["id", "low", "high", "choice"])).set_index("id")


Version = tuple[int, datetime | None, int, int | None]


async def version(session: AsyncSession, district: str | None = None) -> Version:
    """Changes whenever an answer for ``district`` (None: any) is given or changed, or a problem is
    added: how many answers there are and the latest time, how many problems and the newest."""
    answers = select(func.count(), func.max(PairAnswer.answered_at))
    if district is not None:
        answers = answers.where(PairAnswer.district == district)
    count, latest = (await session.execute(answers)).one()
    problems, newest = (await session.execute(select(func.count(), func.max(Problem.id)))).one()
    return int(count), latest, int(problems), newest


def _title_columns() -> list[Any]:
    """The columns ``shown_title`` reads: the public title too, once problems have one."""
    public = getattr(Problem, "public_title", None)
    return [Problem.title] if public is None else [Problem.title, public]


async def live_problems(session: AsyncSession) -> pd.DataFrame:
    """Problems with live findings, not retired (index ``id``): ``title`` (as shown), ``axis`` and
    ``districts`` (the set of districts their findings come from; the empty string for findings of
    no district)."""
    query = (
        select(Problem.id, Problem.axis, Finding.district, *_title_columns())
        .join(ProblemFinding, ProblemFinding.problem_id == Problem.id)
        .join(Finding, and_(Finding.id == ProblemFinding.finding_id, Finding.deleted_at.is_(None)))
        .where(Problem.status != RETIRED)
        .distinct()
        .order_by(Problem.id)
    )
    problems: dict[int, tuple[str, str | None, set[str]]] = {}
    for row in await session.execute(query):
        problems.setdefault(row.id, (shown_title(row), row.axis, set()))[2].add(row.district or "")
    frame = pd.DataFrame(list(problems.values()), index=list(problems), columns=["title", "axis", "districts"])
    return frame.rename_axis("id")


async def ranked(session: AsyncSession, ids: Collection[int]) -> set[int]:
    """Which of ``ids`` are problems still ranked (not retired)."""
    return set(
        (await session.scalars(select(Problem.id).where(Problem.id.in_(list(ids)), Problem.status != RETIRED))).all()
    )
