"""The ranking workbench: the ranking under weights the committee tries (sliders or an AHP pairwise
matrix), each score broken down, how stable the top is, and weights saved as versions (audited, each
with the ranking it gave) that can be compared side by side. The newest saved version is the one
agendas and digests rank with (``backend.prioritize.priorities.current_weights``)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.audit import record
from backend.context import AppContext, transaction
from backend.errors import Refused
from backend.models import Problem, WeightVersion
from backend.plan import Plan
from backend.plan.model import CRITERIA
from backend.prioritize.priorities import Priorities, explain, prioritize
from backend.prioritize.scoring import Explanation
from backend.prioritize.weights import MAX_CONSISTENCY_RATIO, ahp, most_inconsistent_pair
from backend.text import parse_decimal

SAATY = (1 / 9, 1 / 8, 1 / 7, 1 / 6, 1 / 5, 1 / 4, 1 / 3, 1 / 2, 1, 2, 3, 4, 5, 6, 7, 8, 9)
STABILITY_TOP = 10  # the stability shown is of staying in the top ten
STABILITY_DRAWS = 300
MAX_NOTE = 300


@dataclass(frozen=True)
class Ranked:
    """One line of the ranking as the workbench shows it."""

    id: int
    rank: int
    title: str
    axis: str | None
    score: float
    mentions: int
    stability: float | None  # share of weight draws keeping it in the top ten (top lines only)


@dataclass(frozen=True)
class Ranking:
    weights: dict[str, float]
    lines: list[Ranked]
    total: int


@dataclass(frozen=True)
class Version:
    id: int
    created_at: datetime
    created_by: str | None
    method: str
    weights: dict[str, float]
    consistency_ratio: float | None
    note: str | None


@dataclass(frozen=True)
class Compared:
    """A problem's place in two versions' rankings (None: not ranked in that version)."""

    id: int
    title: str
    rank_a: int | None
    rank_b: int | None
    score_a: float | None
    score_b: float | None


def weights_from(values: Mapping[str, object]) -> dict[str, float]:
    """Weights for every criterion from the sliders' values (0-100, any digits), summing to 1;
    refused if one is missing, not a number or out of range, or if all are 0."""
    raw = {}
    for criterion in CRITERIA:
        number = parse_decimal(str(values.get(criterion, "")))
        if number is None or not 0 <= number <= 100:
            raise Refused("workbench.ranking.bad_weight", criterion=criterion)
        raw[criterion] = float(number)
    total = sum(raw.values())
    if total <= 0:
        raise Refused("workbench.ranking.all_zero")
    return {criterion: value / total for criterion, value in raw.items()}


@dataclass(frozen=True)
class AhpResult:
    weights: dict[str, float]
    consistency_ratio: float


def ahp_from(values: Mapping[str, object]) -> AhpResult:
    """AHP weights from the upper triangle of judgements, ``values["i-j"]`` (how much more criterion i
    matters than j, on Saaty's 1/9..9 scale, as "3" or "1/3"); refused when the consistency ratio is
    over 0.10, naming the ratio and the pair most at odds with the others."""
    n = len(CRITERIA)
    matrix = [[1.0] * n for _ in range(n)]
    for i in range(n):
        for j in range(i + 1, n):
            value = _judgement(str(values.get(f"{i}-{j}", "")))
            if value is None:
                raise Refused("workbench.ahp.bad_value", first=CRITERIA[i], second=CRITERIA[j])
            matrix[i][j], matrix[j][i] = value, 1 / value
    found = ahp(matrix)
    if found.consistency_ratio > MAX_CONSISTENCY_RATIO:
        i, j = most_inconsistent_pair(matrix, [found.weights[c] for c in CRITERIA])
        raise Refused(
            "workbench.ahp.inconsistent",
            ratio=f"{found.consistency_ratio:.3f}",
            limit=f"{MAX_CONSISTENCY_RATIO:.2f}",
            first=CRITERIA[i],
            second=CRITERIA[j],
        )
    return AhpResult(found.weights, found.consistency_ratio)


def _judgement(text: str) -> float | None:
    """A Saaty judgement written as "3" or "1/3" (any digits), or None if it is not one."""
    top, slash, bottom = text.strip().partition("/")
    numerator, denominator = parse_decimal(top), parse_decimal(bottom) if slash else 1
    if numerator is None or denominator is None or not denominator:
        return None
    value = float(numerator) / float(denominator)
    return value if any(abs(value - s) < 1e-6 for s in SAATY) else None


def _lines(priorities: Priorities, offset: int, limit: int, stability: bool) -> list[Ranked]:
    ranked = priorities.ranked.iloc[offset : offset + limit]
    stable = (
        priorities.stability(STABILITY_TOP, draws=STABILITY_DRAWS) if stability and len(priorities.ranked) else None
    )
    return [
        Ranked(
            int(problem_id),
            int(row["rank"]),
            str(row["title"]),
            row["axis"],
            float(row["score"]),
            int(row["mentions"]),
            float(stable.loc[problem_id]) if stable is not None and row["rank"] <= STABILITY_TOP else None,
        )
        for problem_id, row in ranked.iterrows()
    ]


async def ranking(
    session: AsyncSession,
    plan: Plan,
    weights: Mapping[str, float] | None = None,
    *,
    offset: int = 0,
    limit: int = 50,
    stability: bool = True,
) -> Ranking:
    """The ranking under ``weights`` (the weights in force if None), one page of it."""
    priorities = await prioritize(session, plan, weights=weights)
    return Ranking(priorities.weights, _lines(priorities, offset, limit, stability), len(priorities.ranked))


async def why(session: AsyncSession, plan: Plan, problem_id: int, weights: Mapping[str, float] | None) -> Explanation:
    """Why a problem ranks where it does under ``weights``: its score by criterion and its evidence by
    source, stakeholder group, working group and district."""
    priorities = await prioritize(session, plan, weights=weights)
    if problem_id not in priorities.ranked.index:
        raise Refused("workbench.ranking.not_ranked", problem=problem_id)
    return (await explain(session, priorities, [problem_id]))[0]


async def save_version(
    app: AppContext,
    actor: str,
    weights: Mapping[str, float],
    *,
    method: str = "weights",
    consistency_ratio: float | None = None,
    note: str | None = None,
) -> Version:
    """Save ``weights`` as a new version, with the whole ranking they give now; audited. From now on
    the ranking (agendas, digests) uses them."""
    note = " ".join((note or "").split())[:MAX_NOTE] or None
    async with transaction(app) as session:
        priorities = await prioritize(session, app.plan, weights=weights)
        ranked = priorities.ranked
        snapshot = [
            [int(i), int(r), round(float(s), 6)]
            for i, r, s in zip(ranked.index, ranked["rank"], ranked["score"], strict=True)
        ]
        version = WeightVersion(
            weights=dict(priorities.weights),
            method=method,
            consistency_ratio=consistency_ratio,
            note=note,
            created_by=actor,
            ranking=snapshot,
        )
        session.add(version)
        await session.flush()
        record(
            session,
            actor,
            "weights.save",
            "weight_version",
            version.id,
            weights=version.weights,
            method=method,
            consistency_ratio=consistency_ratio,
        )
        return _version(version)


def _version(v: WeightVersion) -> Version:
    return Version(v.id, v.created_at, v.created_by, v.method, v.weights, v.consistency_ratio, v.note)


async def versions(session: AsyncSession) -> list[Version]:
    """Every saved version, newest first."""
    return [_version(v) for v in (await session.scalars(select(WeightVersion).order_by(WeightVersion.id.desc())))]


async def compare(session: AsyncSession, first: int, second: int, *, top: int = 20) -> list[Compared]:
    """Two versions' rankings side by side: the problems in either's top ``top``, by the first's rank."""
    found = {
        v.id: v for v in (await session.scalars(select(WeightVersion).where(WeightVersion.id.in_([first, second]))))
    }
    for wanted in (first, second):
        if wanted not in found:
            raise Refused("workbench.ranking.unknown_version", version=wanted)
    a = {row[0]: (row[1], row[2]) for row in found[first].ranking}
    b = {row[0]: (row[1], row[2]) for row in found[second].ranking}
    ids = [i for i, (rank, _) in a.items() if rank <= top] + [i for i, (rank, _) in b.items() if rank <= top]
    ids = list(dict.fromkeys(ids))
    titles = dict((await session.execute(select(Problem.id, Problem.title).where(Problem.id.in_(ids)))).all())
    rows = [
        Compared(
            i,
            titles.get(i, ""),
            a[i][0] if i in a else None,
            b[i][0] if i in b else None,
            a[i][1] if i in a else None,
            b[i][1] if i in b else None,
        )
        for i in ids
    ]
    return sorted(rows, key=lambda r: (r.rank_a is None, r.rank_a or 0, r.rank_b or 0))
