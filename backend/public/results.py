"""The public results, assembled from the database with privacy built in.

Shown: problems with their stage history, the committee's public title (never the statements they
merge), axis and main district, evidence counts by source and stakeholder group, the rank and its
"why" (the criteria's contributions when the first body's agenda ranked it), each body's decisions
with dates and reasons, participation by week, and contributors by district × stakeholder group with
cells under ``MIN_CELL`` people suppressed. Nothing carries a participant, a messenger account or a
citizen's text.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.jalali import jalali_week, to_local, utcnow, week_bounds
from backend.lifecycle import stages
from backend.lifecycle.stages import Stage
from backend.models import Agenda, AgendaItem, Decision, Finding, Problem, ProblemFinding, StageEvent
from backend.models.findings import RETIRED
from backend.plan import Plan

MIN_CELL = 5  # fewer people than this in a district × stakeholder group cell: not shown
SPREAD = 0.5  # a problem's main district holds more than this share of its located evidence


@dataclass(frozen=True)
class PublicDecision:
    """A body's decision on a problem: when, the outcome, the members' reasons for rejecting."""

    problem_id: int
    body: str
    outcome: str
    at: datetime
    reasons: list[str]
    approve: int
    reject: int
    abstain: int


@dataclass(frozen=True)
class Part:
    """One criterion's share of a rank's score."""

    criterion: str
    weight: float
    contribution: float


@dataclass(frozen=True)
class PublicProblem:
    """A problem as the public sees it."""

    id: int
    title: str | None  # the committee's public title; None until set
    axis: str | None
    district: str | None  # where most of its located evidence is; None when spread or unknown
    stage: Stage
    history: list[Stage]
    evidence: int
    by_source: dict[str, int]
    by_group: dict[str, int]
    rank: int | None = None
    score: float | None = None
    why: list[Part] = field(default_factory=list)
    decisions: list[PublicDecision] = field(default_factory=list)


@dataclass(frozen=True)
class Week:
    """Participation in one Jalali week: findings received and distinct contributors."""

    year: int
    week: int
    first: date
    findings: int
    people: int


@dataclass(frozen=True)
class Cell:
    """Contributors in one district × stakeholder group; ``people`` None when suppressed."""

    district: str
    group: str
    people: int | None


@dataclass(frozen=True)
class Results:
    """Everything public at one moment."""

    generated_at: datetime
    problems: list[PublicProblem]
    decisions: list[PublicDecision]
    weeks: list[Week]
    cells: list[Cell]
    by_source: dict[str, int]
    by_group: dict[str, int]


def suppress(count: int) -> int | None:
    """A count of people as published: None below ``MIN_CELL``."""
    return count if count >= MIN_CELL else None


def _main(counts: Counter[str]) -> str | None:
    total = sum(counts.values())
    if not total:
        return None
    district, n = counts.most_common(1)[0]
    return district if n / total > SPREAD else None


async def _histories(session: AsyncSession, ids: set[int]) -> dict[int, list[Stage]]:
    found: dict[int, list[Stage]] = defaultdict(list)
    rows = await session.execute(
        select(StageEvent.id, StageEvent.subject_id, StageEvent.stage, StageEvent.at, StageEvent.body)
        .add_columns(StageEvent.rank, StageEvent.percent, StageEvent.detail)
        .where(StageEvent.subject == stages.PROBLEM)
        .order_by(StageEvent.at, StageEvent.id)
    )
    for event_id, problem, stage, at, body, rank, percent, detail in rows.all():
        if problem in ids:
            found[problem].append(Stage(stage, at, body, rank, percent, detail, event_id))
    return found


async def _decisions(session: AsyncSession) -> list[PublicDecision]:
    rows = await session.execute(
        select(AgendaItem.problem_id, Agenda.body, Decision.outcome, Decision.created_at, Decision.tally)
        .join(AgendaItem, AgendaItem.id == Decision.agenda_item_id)
        .join(Agenda, Agenda.id == AgendaItem.agenda_id)
        .order_by(Decision.created_at, Decision.id)
    )
    return [
        PublicDecision(
            problem,
            body,
            outcome,
            at,
            [str(r) for r in tally.get("reasons", [])],
            int(tally.get("approve", 0)),
            int(tally.get("reject", 0)),
            int(tally.get("abstain", 0)),
        )
        for problem, body, outcome, at, tally in rows.all()
    ]


async def _ranks(session: AsyncSession, plan: Plan) -> dict[int, tuple[int, float, list[Part]]]:
    """Each problem's latest rank on the first body's agenda, its score and the criteria's shares."""
    rows = await session.execute(
        select(AgendaItem.problem_id, AgendaItem.rank, AgendaItem.score, AgendaItem.explanation)
        .join(Agenda, Agenda.id == AgendaItem.agenda_id)
        .where(Agenda.body == plan.bodies[0].code)
        .order_by(Agenda.opens_at, AgendaItem.id)
    )
    ranks = {}
    for problem, position, score, explanation in rows.all():
        parts = [
            Part(str(p["criterion"]), float(p["weight"]), float(p["contribution"]))
            for p in explanation.get("parts", [])
        ]
        ranks[problem] = (int(explanation.get("rank") or position), float(score), parts)
    return ranks


@lru_cache(maxsize=4096)
def _week(day: date) -> tuple[int, int]:
    return jalali_week(day)


def _weeks(received: Iterable[tuple[datetime, int]], zone: Any) -> list[Week]:
    """Findings and distinct people (a participant, or a finding without one) by Jalali week."""
    findings: Counter[tuple[int, int]] = Counter()
    people: dict[tuple[int, int], set[int]] = defaultdict(set)
    hours: dict[int, tuple[int, int]] = {}  # the week of each UTC hour, computed once
    for at, person in received:
        hour = int(at.timestamp()) // 3600
        key = hours.get(hour)
        if key is None:
            key = hours[hour] = _week(to_local(at, zone).date())
        findings[key] += 1
        people[key].add(person)
    return [Week(y, w, week_bounds(y, w)[0], findings[(y, w)], len(people[(y, w)])) for y, w in sorted(findings)]


async def results(session: AsyncSession, plan: Plan, zone: Any, now: datetime | None = None) -> Results:
    """The public results now."""
    problems = (
        await session.execute(
            select(Problem.id, Problem.public_title, Problem.axis).where(Problem.status != RETIRED).order_by(Problem.id)
        )
    ).all()
    ids = {p.id for p in problems}
    live = Finding.deleted_at.is_(None)
    linked = select(ProblemFinding.problem_id).join(Finding, Finding.id == ProblemFinding.finding_id).where(live)
    sources: dict[int, Counter[str]] = defaultdict(Counter)
    groups: dict[int, Counter[str]] = defaultdict(Counter)
    districts: dict[int, Counter[str]] = defaultdict(Counter)
    for counts, column in (
        (sources, Finding.source),
        (groups, Finding.stakeholder_group),
        (districts, Finding.district),
    ):
        query = linked.add_columns(column, func.count()).group_by(ProblemFinding.problem_id, column)
        for problem, value, n in (await session.execute(query)).all():
            if problem in ids and (value or counts is groups):
                counts[problem][value or "unknown"] += n
    person = func.coalesce(Finding.participant_id, -Finding.id)  # an imported request or a note: one person
    cell_rows = await session.execute(
        select(Finding.district, Finding.stakeholder_group, func.count(person.distinct()))
        .where(live, Finding.district.is_not(None), Finding.stakeholder_group.is_not(None))
        .group_by(Finding.district, Finding.stakeholder_group)
        .order_by(Finding.district, Finding.stakeholder_group)
    )
    cells = [Cell(str(d), str(g), suppress(n)) for d, g, n in cell_rows.all()]
    received = (await session.execute(select(Finding.created_at, person).where(live))).all()
    totals = (
        await session.execute(
            select(Finding.source, Finding.stakeholder_group, func.count())
            .where(live)
            .group_by(Finding.source, Finding.stakeholder_group)
        )
    ).all()
    by_source: Counter[str] = Counter()
    by_group: Counter[str] = Counter()
    for source, group, n in totals:
        by_source[source] += n
        by_group[group or "unknown"] += n
    histories = await _histories(session, ids)
    decisions = await _decisions(session)
    by_problem: dict[int, list[PublicDecision]] = defaultdict(list)
    for decision in decisions:
        by_problem[decision.problem_id].append(decision)
    ranks = await _ranks(session, plan)
    public = []
    for p in problems:
        history = histories.get(p.id, [])
        rank, score, why = ranks.get(p.id, (None, None, []))
        public.append(
            PublicProblem(
                id=p.id,
                title=p.public_title,
                axis=p.axis,
                district=_main(districts[p.id]),
                stage=history[-1] if history else Stage("integrated"),
                history=history,
                evidence=sum(sources[p.id].values()),
                by_source=dict(sources[p.id]),
                by_group=dict(groups[p.id]),
                rank=rank,
                score=score,
                why=why,
                decisions=by_problem.get(p.id, []),
            )
        )
    return Results(
        generated_at=now or utcnow(),
        problems=public,
        decisions=[d for d in decisions if d.problem_id in ids],
        weeks=_weeks(received, zone),
        cells=cells,
        by_source=dict(by_source),
        by_group=dict(by_group),
    )
