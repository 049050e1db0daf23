"""The raw criteria of every live problem, computed in the database.

Citizen salience is the share of completed survey responses that raised or rated the problem:
a response *raised* it when one of its answers became a finding of the problem; it *rated* it
when it gave the problem's axis a low rating, 1 or 2 on the survey's ``rate_<axis>`` question
(1 = very poor, 5 = very good). Each response counts once, whichever way.
"""

from __future__ import annotations

from datetime import datetime

import pandas as pd
from sqlalchemy import String, and_, func, literal, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased
from sqlalchemy.sql.elements import ColumnElement

from backend.aggregation.sql import for_analysis, json_text, read_frame
from backend.aggregation.surveys import COMPLETED
from backend.models import Answer, Finding, Problem, ProblemFinding, Response, counted
from backend.models.findings import RETIRED
from backend.pairwise.scopes import strengths_now

RATING_PREFIX = "rate_"
LOW_RATINGS = ("1", "2")


def _completed(until: datetime | None) -> ColumnElement[bool]:
    """Responses completed (before ``until`` if given)."""
    done = Response.status == COMPLETED
    return done if until is None else and_(done, Response.completed_at < until)


def _live(until: datetime | None) -> ColumnElement[bool]:
    """Findings that count, neither deleted nor hidden (and recorded before ``until`` if given)."""
    live = counted()
    return live if until is None else and_(live, Finding.created_at < until)


async def _respondents(
    session: AsyncSession, axes: list[str], until: datetime | None
) -> tuple[int, pd.Series, pd.Series]:
    """Completed responses; per problem, those that raised it without rating its axis low; per
    axis, those that rated it low."""
    completed = await session.scalar(select(func.count()).where(_completed(until))) or 0
    low = aliased(Answer)
    rated_low = and_(low.skipped.is_(False), json_text(low.value).in_(LOW_RATINGS))
    raised = (
        await session.execute(
            select(ProblemFinding.problem_id, func.count(Answer.response_id.distinct()))
            .join(Finding, Finding.id == ProblemFinding.finding_id)
            .join(Answer, Answer.id == Finding.answer_id)
            .join(Response, and_(Response.id == Answer.response_id, _completed(until)))
            .join(Problem, Problem.id == ProblemFinding.problem_id)
            .outerjoin(
                low,
                and_(
                    low.response_id == Answer.response_id,
                    low.question == literal(RATING_PREFIX, String) + Problem.axis,
                    rated_low,
                ),
            )
            .where(low.id.is_(None), _live(until))
            .group_by(ProblemFinding.problem_id)
        )
    ).all()
    rated = (
        await session.execute(
            select(low.question, func.count(low.response_id.distinct()))
            .join(Response, and_(Response.id == low.response_id, _completed(until)))
            .where(low.question.in_([RATING_PREFIX + axis for axis in axes]), rated_low)
            .group_by(low.question)
        )
    ).all()
    by_axis = {question.removeprefix(RATING_PREFIX): n for question, n in rated}
    return completed, pd.Series(dict(raised), dtype="int64"), pd.Series(by_axis, dtype="int64")


async def load_criteria(session: AsyncSession, until: datetime | None = None) -> pd.DataFrame:
    """One row per live problem with findings (index ``id``): ``title``, ``axis``, ``status``,
    ``mentions`` (live findings), ``source_breadth``, ``stakeholder_breadth``,
    ``district_spread`` (distinct sources, stakeholder groups, districts), ``respondents`` (who
    raised or rated it), ``citizen_salience`` (their share of completed responses),
    ``severity`` (the facilitators' mean, NaN if none gave one) and ``citizen_preference`` (its
    Bradley-Terry strength from citizens' pairwise answers, city-wide; NaN if never compared). With
    ``until``, only findings recorded, responses completed and pairs answered before it count (the
    ranking as it stood then)."""
    await for_analysis(session)
    live = and_(Finding.id == ProblemFinding.finding_id, _live(until))
    criteria = (
        await read_frame(
            session,
            select(
                Problem.id,
                Problem.title,
                Problem.axis,
                Problem.status,
                func.count(Finding.id),
                func.count(Finding.source.distinct()),
                func.count(Finding.stakeholder_group.distinct()),
                func.count(Finding.district.distinct()),
                func.avg(Finding.severity),
            )
            .join(ProblemFinding, ProblemFinding.problem_id == Problem.id)
            .join(Finding, live)
            .where(Problem.status != RETIRED)
            .group_by(Problem.id, Problem.title, Problem.axis, Problem.status),
            [
                "id",
                "title",
                "axis",
                "status",
                "mentions",
                "source_breadth",
                "stakeholder_breadth",
                "district_spread",
                "severity",
            ],
        )
    ).set_index("id")
    criteria["severity"] = criteria.severity.astype("float64")
    completed, raised, rated = await _respondents(session, sorted(criteria.axis.dropna().unique()), until)
    respondents = raised.reindex(criteria.index, fill_value=0) + criteria.axis.map(rated).fillna(0).astype("int64")
    criteria["respondents"] = respondents
    criteria["citizen_salience"] = respondents / completed if completed else 0.0
    preference = await strengths_now(session, until=until)
    criteria["citizen_preference"] = preference.strength.where(preference.comparisons > 0).reindex(criteria.index)
    return criteria


async def in_working_group(session: AsyncSession, working_group: str) -> set[int]:
    """The problems that have a live finding from ``working_group``."""
    return set(
        (
            await session.scalars(
                select(ProblemFinding.problem_id)
                .join(Finding, Finding.id == ProblemFinding.finding_id)
                .where(Finding.working_group == working_group, counted())
                .distinct()
            )
        ).all()
    )
