"""Integration review: the committee reads each problem beside its findings and the merges suggested
for it, then merges, splits, confirms or retitles. The use cases call integration's own decisions
(``backend.integration.problems``), so everything survives a re-run of ``meydan problems integrate``
and the command line shows the same state; each is audited."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.audit import record
from backend.committee.titles import clean_title, live_problem
from backend.context import AppContext, transaction
from backend.errors import Refused
from backend.integration import problems
from backend.models import Finding, Problem, ProblemFinding, ProblemSuggestion, counted

FINDINGS_SHOWN = 8  # findings listed beside each problem (the page links to all)


@dataclass(frozen=True)
class Suggestion:
    """A problem suggested for merging with the one shown."""

    other_id: int
    other_title: str
    similarity: float
    shared: list[str]


@dataclass(frozen=True)
class ReviewedFinding:
    id: int
    text: str
    source: str
    confirmed: bool


@dataclass(frozen=True)
class ReviewItem:
    """One problem as the committee reviews it."""

    id: int
    title: str
    public_title: str | None
    axis: str | None
    status: str
    findings: int
    shown: list[ReviewedFinding]
    suggestions: list[Suggestion]


@dataclass(frozen=True)
class ReviewPage:
    items: list[ReviewItem]
    total: int
    offset: int
    limit: int


async def review_page(
    session: AsyncSession, *, offset: int = 0, limit: int = 20, suggested_only: bool = False
) -> ReviewPage:
    """A page of live problems in number order, each with its first findings and suggested merges;
    ``suggested_only`` keeps the problems that have a suggestion."""
    live = Problem.status != problems.RETIRED
    chosen = [live]
    if suggested_only:
        chosen.append(
            or_(
                Problem.id.in_(select(ProblemSuggestion.problem_id)),
                Problem.id.in_(select(ProblemSuggestion.other_id)),
            )
        )
    total = await session.scalar(select(func.count()).select_from(Problem).where(*chosen)) or 0
    page = (
        await session.execute(
            select(Problem.id, Problem.title, Problem.public_title, Problem.axis, Problem.status)
            .where(*chosen)
            .order_by(Problem.id)
            .offset(offset)
            .limit(limit)
        )
    ).all()
    ids = [row.id for row in page]
    counts = dict(
        (
            await session.execute(
                select(ProblemFinding.problem_id, func.count())
                .join(Finding, Finding.id == ProblemFinding.finding_id)
                .where(ProblemFinding.problem_id.in_(ids), counted())
                .group_by(ProblemFinding.problem_id)
            )
        ).all()
    )
    numbered = (
        select(
            ProblemFinding.problem_id,
            Finding.id,
            Finding.text,
            Finding.source,
            ProblemFinding.confirmed,
            func.row_number().over(partition_by=ProblemFinding.problem_id, order_by=Finding.id).label("n"),
        )
        .join(Finding, Finding.id == ProblemFinding.finding_id)
        .where(ProblemFinding.problem_id.in_(ids), counted())
        .subquery()
    )
    shown: dict[int, list[ReviewedFinding]] = {}
    for row in (await session.execute(select(numbered).where(numbered.c.n <= FINDINGS_SHOWN))).all():
        shown.setdefault(row.problem_id, []).append(ReviewedFinding(row.id, row.text, row.source, row.confirmed))
    suggestions = await _suggestions(session, ids)
    items = [
        ReviewItem(
            row.id,
            row.title,
            row.public_title,
            row.axis,
            row.status,
            counts.get(row.id, 0),
            shown.get(row.id, []),
            suggestions.get(row.id, []),
        )
        for row in page
    ]
    return ReviewPage(items, total, offset, limit)


async def _suggestions(session: AsyncSession, ids: Sequence[int]) -> dict[int, list[Suggestion]]:
    """The suggested merges of each of ``ids``, closest first, whichever side it is on."""
    found: dict[int, list[Suggestion]] = {}
    rows = (
        await session.execute(
            select(ProblemSuggestion).where(
                or_(ProblemSuggestion.problem_id.in_(ids), ProblemSuggestion.other_id.in_(ids))
            )
        )
    ).scalars()
    pairs = list(rows)
    titles = dict(
        (
            await session.execute(
                select(Problem.id, Problem.title).where(
                    Problem.id.in_({p.problem_id for p in pairs} | {p.other_id for p in pairs})
                )
            )
        ).all()
    )
    wanted = set(ids)
    for pair in sorted(pairs, key=lambda p: -p.similarity):
        for mine, other in ((pair.problem_id, pair.other_id), (pair.other_id, pair.problem_id)):
            if mine in wanted:
                found.setdefault(mine, []).append(Suggestion(other, titles[other], pair.similarity, pair.shared))
    return found


async def merge(app: AppContext, actor: str, problem_id: int, other_id: int) -> Problem:
    """Merge problem ``other_id`` into ``problem_id`` (confirmed, kept by later integrations)."""
    if problem_id == other_id:
        raise Refused("workbench.review.merge_itself", problem=problem_id)
    async with transaction(app) as session:
        await live_problem(session, problem_id)
        await live_problem(session, other_id)
        merged = await problems.merge(session, problem_id, other_id, decided_by=actor)
        record(session, actor, "problem.merge", "problem", problem_id, merged=other_id)
        return merged


async def split(app: AppContext, actor: str, problem_id: int, finding_ids: Sequence[int]) -> Problem:
    """Move the chosen findings of a problem to a new one; both confirmed. Returns the new problem."""
    async with transaction(app) as session:
        await live_problem(session, problem_id)
        members = set(
            (
                await session.scalars(
                    select(ProblemFinding.finding_id)
                    .join(Finding, Finding.id == ProblemFinding.finding_id)
                    .where(ProblemFinding.problem_id == problem_id, counted())
                )
            ).all()
        )
        leaving = set(finding_ids)
        if not leaving or not leaving < members:
            raise Refused("workbench.review.split_some", problem=problem_id, findings=len(members))
        new = await problems.split(session, problem_id, sorted(leaving), decided_by=actor)
        record(session, actor, "problem.split", "problem", problem_id, new=new.id, findings=sorted(leaving))
        return new


async def confirm(app: AppContext, actor: str, problem_id: int) -> Problem:
    """Confirm a problem as it stands: its findings stay together in later integrations."""
    async with transaction(app) as session:
        await live_problem(session, problem_id)
        confirmed = await problems.confirm(session, problem_id, decided_by=actor)
        record(session, actor, "problem.confirm", "problem", problem_id)
        return confirmed


async def retitle(app: AppContext, actor: str, problem_id: int, title: str) -> Problem:
    """Give a problem the committee's title; it is confirmed too, so integration keeps both."""
    new = clean_title(title)
    if new is None:
        raise Refused("workbench.title.empty")
    async with transaction(app) as session:
        problem = await live_problem(session, problem_id)
        if problem.status != problems.CONFIRMED:
            await problems.confirm(session, problem_id, decided_by=actor)
        old = problem.title
        problem.title = new
        record(session, actor, "problem.title", "problem", problem_id, old=old, new=new)
        return problem
