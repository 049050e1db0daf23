"""Problems: integrating problem findings into them, and people's merges, splits and confirmations.

Integration proposes; people decide. A merge, split or confirmation is stored as decisions
between findings (``MergeDecision``): the findings of a confirmed problem are bound together
(each to the problem's lowest finding id) and the findings split off are kept apart from the
rest, so every later integration run honours them. Problem ids survive re-runs: each new
group keeps the existing problem that holds most of its findings.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TypeVarTuple

import numpy as np
import pandas as pd
from sqlalchemy import Row, Select, and_, delete, func, insert, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from backend.errors import MeydanError
from backend.integration import DEFAULT_THRESHOLD, suggestions
from backend.integration.grouping import Pair, most_central
from backend.integration.matching import group_complaints
from backend.integration.reading import strip_politeness
from backend.integration.reconcile import keep_problems
from backend.lifecycle import stages
from backend.models import AgendaItem, Finding, MergeDecision, Problem, ProblemFinding, counted
from backend.models.findings import CONFIRMED, PROPOSED, RETIRED

PROBLEM_KIND = "problem"  # the kind of finding integrated into problems
_LOCK_KEY = 0x4D45594441  # "MEYDA": serializes integration runs and decisions on PostgreSQL
_CHUNK = 5_000  # ids per IN (...) list
_PROBLEMS, _LINKS = Problem.__table__, ProblemFinding.__table__
Columns = TypeVarTuple("Columns")  # the types of a query's columns


@dataclass(frozen=True)
class IntegrationReport:
    """What one integration run did."""

    findings: int
    problems: int
    created: int
    removed: int
    moved: int
    threshold: float


@dataclass(frozen=True)
class ProblemSummary:
    """One line of ``meydan problems list``."""

    id: int
    title: str
    public_title: str | None
    axis: str | None
    status: str
    findings: int
    sources: int
    stakeholder_groups: int


@dataclass(frozen=True)
class _Member:
    id: int
    normalized_text: str
    axis: str | None


async def _lock(session: AsyncSession) -> None:
    if (await session.connection()).dialect.name == "postgresql":
        await session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _LOCK_KEY})


async def _rows(session: AsyncSession, query: Select[*Columns]) -> Sequence[Row[*Columns]]:
    """All rows of ``query``, read on the session's connection (without the ORM's slow row processing)."""
    return (await (await session.connection()).execute(query)).all()


def _chunks(ids: Sequence[int]) -> Iterable[Sequence[int]]:
    return (ids[start : start + _CHUNK] for start in range(0, len(ids), _CHUNK))


def _main_axes(labels: Sequence[int], axes: Sequence[str | None]) -> list[str | None]:
    """Per group 0..max(labels), its findings' most common axis (ties: the first code), or None."""
    counts = (
        pd.DataFrame({"group": labels, "axis": axes})
        .dropna()
        .value_counts()
        .rename("n")
        .reset_index()
        .sort_values(["group", "n", "axis"], ascending=[True, False, True])
        .drop_duplicates("group")
    )
    main: list[str | None] = [None] * (max(labels, default=-1) + 1)
    for group, axis in zip(counts.group.tolist(), counts.axis.tolist(), strict=True):
        main[group] = axis
    return main


async def _decisions(session: AsyncSession, index: dict[int, int]) -> tuple[list[Pair], list[Pair]]:
    """The together and apart decisions between integrated findings, as index pairs."""
    together: list[Pair] = []
    apart: list[Pair] = []
    for a, b, is_together in await _rows(
        session, select(MergeDecision.finding_a, MergeDecision.finding_b, MergeDecision.together)
    ):
        if a in index and b in index:
            (together if is_together else apart).append((index[a], index[b]))
    return together, apart


async def _remove(session: AsyncSession, problem_ids: Sequence[int]) -> None:
    """Delete problems, except that one on an agenda is kept (retired) for the vote's record."""
    for chunk in _chunks(problem_ids):
        on_agenda = set(
            (await session.scalars(select(AgendaItem.problem_id).where(AgendaItem.problem_id.in_(chunk)))).all()
        )
        if on_agenda:
            await session.execute(
                update(Problem)
                .where(Problem.id.in_(sorted(on_agenda)))
                .values(status=RETIRED)
                .execution_options(synchronize_session=False)
            )
        await session.execute(
            delete(Problem)
            .where(Problem.id.in_([p for p in chunk if p not in on_agenda]))
            .execution_options(synchronize_session=False)
        )


async def integrate(
    session: AsyncSession, *, threshold: float = DEFAULT_THRESHOLD, places: Sequence[str] = ()
) -> IntegrationReport:
    """Regroup every live problem finding into problems (the same issue at the same place, see
    ``backend.integration.matching``; ``places`` are the plan's place names), honouring people's decisions.

    Proposed problems get the canonical (most central) statement, normalized and without greetings or
    closings, as title and their findings' most common axis; confirmed problems keep their title. Each
    link keeps why the finding is there (``reason``), and ``confirmed`` while the finding stays in its
    problem. Problems left without findings are removed. The suggested merges are computed afresh.
    """
    await _lock(session)
    rows = await _rows(
        session,
        select(Finding.id, Finding.normalized_text, Finding.axis)
        .where(Finding.kind == PROBLEM_KIND, counted())
        .order_by(Finding.id),
    )
    ids = [row.id for row in rows]
    index = {finding_id: i for i, finding_id in enumerate(ids)}
    together, apart = await _decisions(session, index)
    grouping = group_complaints(
        [row.normalized_text for row in rows], threshold=threshold, together=together, apart=apart, places=places
    )
    links = {
        row.finding_id: row
        for row in await _rows(
            session,
            select(
                ProblemFinding.finding_id,
                ProblemFinding.problem_id,
                ProblemFinding.similarity,
                ProblemFinding.reason,
                ProblemFinding.confirmed,
            ),
        )
    }
    problems = {
        row.id: row
        for row in await _rows(
            session, select(Problem.id, Problem.status, Problem.title, Problem.axis).where(Problem.status != RETIRED)
        )
    }
    current = np.array([links[i].problem_id if i in links else -1 for i in ids], dtype=np.int64)
    kept = keep_problems(grouping.labels, current, [p for p, row in problems.items() if row.status == CONFIRMED])

    axes = _main_axes(grouping.labels.tolist(), [row.axis for row in rows])
    first = np.unique(grouping.labels, return_index=True)[1]
    titles = [_title(rows[c].normalized_text) for c in grouping.canonical[first]]
    problem_of = np.zeros(grouping.groups, dtype=np.int64)
    new_groups = [g for g in range(grouping.groups) if g not in kept]
    if new_groups:
        problem_of[new_groups] = (
            await session.scalars(  # Core inserts: the ORM's bookkeeping is slow in bulk
                insert(_PROBLEMS).returning(_PROBLEMS.c.id, sort_by_parameter_order=True),
                [{"title": titles[g], "axis": axes[g], "status": PROPOSED} for g in new_groups],
            )
        ).all()
        await stages.integrated(session, problem_of[new_groups].tolist())
    changed = []
    for group, problem_id in kept.items():
        problem_of[group] = problem_id
        old = problems[problem_id]
        title = old.title if old.status == CONFIRMED else titles[group]
        if (title, axes[group]) != (old.title, old.axis):
            changed.append({"id": problem_id, "title": title, "axis": axes[group]})
    if changed:
        await session.execute(update(Problem), changed)

    similarity = np.round(grouping.similarity.astype(np.float64), 4).tolist()
    target = problem_of[grouping.labels].tolist()
    gone = [finding_id for finding_id in links if finding_id not in index]
    moved, closer = [], []
    for i, finding_id in enumerate(ids):
        old_link = links.get(finding_id)
        reason = grouping.reasons[i]
        if old_link is None or old_link.problem_id != target[i]:
            moved.append(
                {
                    "problem_id": target[i],
                    "finding_id": finding_id,
                    "similarity": similarity[i],
                    "reason": reason,
                    "confirmed": False,
                }
            )
        elif (
            old_link.similarity is None or abs(old_link.similarity - similarity[i]) > 1e-6 or old_link.reason != reason
        ):
            closer.append(
                {"problem_id": target[i], "finding_id": finding_id, "similarity": similarity[i], "reason": reason}
            )
    for chunk in _chunks(gone + [link["finding_id"] for link in moved if link["finding_id"] in links]):
        await session.execute(
            delete(ProblemFinding)
            .where(ProblemFinding.finding_id.in_(chunk))
            .execution_options(synchronize_session=False)
        )
    if moved:
        await session.execute(insert(_LINKS), moved)
    if closer:
        await session.execute(update(ProblemFinding), closer)
    empty = sorted(set(problems) - set(problem_of.tolist()))
    await _remove(session, empty)
    canonical = grouping.canonical[first].tolist()
    read = {int(problem_of[g]): grouping.readings[canonical[g]] for g in range(grouping.groups)}
    await suggestions.refresh(session, places, read)
    return IntegrationReport(len(ids), grouping.groups, len(new_groups), len(empty), len(moved), threshold)


def _title(normalized: str) -> str:
    """A problem's title from its canonical statement: without greetings and closings (the
    statement itself when it is nothing else)."""
    return strip_politeness(normalized) or normalized


async def get(session: AsyncSession, problem_id: int) -> Problem:
    """The live problem ``problem_id``, or a MeydanError saying there is none."""
    problem = await session.get(Problem, problem_id)
    if problem is None or problem.status == RETIRED:
        raise MeydanError(f"there is no problem #{problem_id} (meydan problems list shows them)")
    return problem


async def _members(session: AsyncSession, problem_id: int) -> list[_Member]:
    rows = (
        await session.execute(
            select(Finding.id, Finding.normalized_text, Finding.axis)
            .join(ProblemFinding, ProblemFinding.finding_id == Finding.id)
            .where(ProblemFinding.problem_id == problem_id, counted())
            .order_by(Finding.id)
        )
    ).all()
    return [_Member(*row) for row in rows]


async def _decide(
    session: AsyncSession, problem_ids: Sequence[int], parts: Sequence[Sequence[int]], decided_by: str | None
) -> None:
    """Replace the decisions among the findings of ``problem_ids``: the findings of each part
    bound together, and every two parts kept apart."""
    among = select(ProblemFinding.finding_id).where(ProblemFinding.problem_id.in_(problem_ids))
    await session.execute(
        delete(MergeDecision).where(MergeDecision.finding_a.in_(among), MergeDecision.finding_b.in_(among))
    )
    decisions = [(min(part), other, True) for part in parts for other in part if other != min(part)]
    decisions += [
        (min(a, b), max(a, b), False)
        for i, part in enumerate(parts)
        for other in parts[i + 1 :]
        for a in part
        for b in other
    ]
    if decisions:
        await session.execute(
            insert(MergeDecision),
            [
                {"finding_a": a, "finding_b": b, "together": together, "decided_by": decided_by}
                for a, b, together in decisions
            ],
        )


async def _settle(session: AsyncSession, problem: Problem, members: Sequence[_Member]) -> None:
    """Confirm a problem as it now stands: its links confirmed, its title the most central statement."""
    problem.status = CONFIRMED
    problem.title = _title(members[most_central([m.normalized_text for m in members])].normalized_text)
    problem.axis = _main_axes([0] * len(members), [m.axis for m in members])[0]
    await session.execute(
        update(ProblemFinding)
        .where(ProblemFinding.problem_id == problem.id)
        .values(confirmed=True)
        .execution_options(synchronize_session=False)
    )


async def confirm(session: AsyncSession, problem_id: int, *, decided_by: str | None = None) -> Problem:
    """Confirm a proposed problem as it stands: its findings stay together in later runs."""
    await _lock(session)
    problem = await get(session, problem_id)
    members = await _members(session, problem_id)
    await _decide(session, [problem_id], [[m.id for m in members]], decided_by)
    await _settle(session, problem, members)
    return problem


async def merge(session: AsyncSession, problem_id: int, other_id: int, *, decided_by: str | None = None) -> Problem:
    """Merge problem ``other_id`` into ``problem_id``; the result is confirmed."""
    await _lock(session)
    if problem_id == other_id:
        raise MeydanError(f"problem #{problem_id} cannot be merged with itself")
    problem, other = await get(session, problem_id), await get(session, other_id)
    members = sorted(await _members(session, problem_id) + await _members(session, other_id), key=lambda m: m.id)
    await _decide(session, [problem_id, other_id], [[m.id for m in members]], decided_by)
    await session.execute(
        update(ProblemFinding)
        .where(ProblemFinding.problem_id == other.id)
        .values(problem_id=problem.id)
        .execution_options(synchronize_session=False)
    )
    await _remove(session, [other.id])
    await _settle(session, problem, members)
    return problem


async def split(
    session: AsyncSession, problem_id: int, finding_ids: Sequence[int], *, decided_by: str | None = None
) -> Problem:
    """Split findings off ``problem_id`` into a new problem of their own; both are confirmed, and
    the split findings are kept apart from the rest in later runs. Returns the new problem."""
    await _lock(session)
    problem = await get(session, problem_id)
    members = await _members(session, problem_id)
    leaving = set(finding_ids)
    unknown = leaving - {m.id for m in members}
    if unknown:
        raise MeydanError(f"finding(s) {', '.join(map(str, sorted(unknown)))} are not in problem #{problem_id}")
    staying = [m for m in members if m.id not in leaving]
    if not leaving or not staying:
        raise MeydanError(f"a split needs some but not all of problem #{problem_id}'s {len(members)} findings")
    split_off = [m for m in members if m.id in leaving]
    await _decide(session, [problem_id], [[m.id for m in staying], [m.id for m in split_off]], decided_by)
    new = Problem(title="", status=CONFIRMED)
    session.add(new)
    await session.flush()
    await stages.integrated(session, [new.id])
    await session.execute(
        update(ProblemFinding)
        .where(ProblemFinding.finding_id.in_(sorted(leaving)))
        .values(problem_id=new.id)
        .execution_options(synchronize_session=False)
    )
    await _settle(session, problem, staying)
    await _settle(session, new, split_off)
    return new


async def summaries(
    session: AsyncSession,
    *,
    axis: str | None = None,
    status: str | None = None,
    limit: int | None = 50,
    offset: int = 0,
) -> list[ProblemSummary]:
    """Live problems with their finding, source and stakeholder-group counts, most findings first."""
    findings = func.count(Finding.id)
    query = (
        select(
            Problem.id,
            Problem.title,
            Problem.public_title,
            Problem.axis,
            Problem.status,
            findings,
            func.count(Finding.source.distinct()),
            func.count(Finding.stakeholder_group.distinct()),
        )
        .outerjoin(ProblemFinding, ProblemFinding.problem_id == Problem.id)
        .outerjoin(Finding, and_(Finding.id == ProblemFinding.finding_id, counted()))
        .where(Problem.status != RETIRED)
        .group_by(Problem.id, Problem.title, Problem.public_title, Problem.axis, Problem.status)
        .order_by(findings.desc(), Problem.id)
        .offset(offset)
        .limit(limit)
    )
    if axis is not None:
        query = query.where(Problem.axis == axis)
    if status is not None:
        query = query.where(Problem.status == status)
    return [ProblemSummary(*row) for row in (await session.execute(query)).all()]
