"""The digest of one period, built from the database: every figure the HTML, the workbook, the
charts and the summary message show."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import pandas as pd
from sqlalchemy.ext.asyncio import AsyncSession

from backend.aggregation.coverage import coverage
from backend.aggregation.surveys import SurveyResults, survey_results
from backend.digest.approvals import approvals
from backend.digest.participation import Participation, participation
from backend.digest.period import Period
from backend.digest.points import survey_points
from backend.digest.rankings import TOP, top_problems
from backend.jalali import utcnow
from backend.models import Survey
from backend.pairwise.agreement import citizens_order
from backend.plan import Plan
from backend.prioritize.priorities import prioritize
from backend.services import surveys
from backend.surveys.model import SurveyDefinition


@dataclass(frozen=True)
class SurveySection:
    """An open survey's results at the end of the period, with its newest definition (labels)."""

    survey: Survey
    definition: SurveyDefinition
    results: SurveyResults
    points: pd.DataFrame  # the locations shared in its geopoint questions (see ``points``)


@dataclass(frozen=True)
class Digest:
    """Everything one digest shows; plan codes stay codes (renderers name them)."""

    plan: Plan
    period: Period
    built_at: datetime
    participation: Participation
    coverage: pd.DataFrame
    top: pd.DataFrame
    approvals: pd.DataFrame
    surveys: list[SurveySection]
    citizens: pd.DataFrame  # citizens' own order by district and axis beside the committee's (``citizens_order``)


async def _survey_sections(session: AsyncSession, period: Period) -> list[SurveySection]:
    sections = []
    for survey in await surveys.open_surveys(session, min(period.end, utcnow())):
        version = await surveys.latest_version(session, survey.id)
        definition = SurveyDefinition.model_validate(version.definition)
        sections.append(
            SurveySection(
                survey,
                definition,
                await survey_results(session, survey.code, until=period.end),
                await survey_points(session, survey.id, definition, period.end),
            )
        )
    return sections


async def build_digest(
    session: AsyncSession, plan: Plan, period: Period, *, top: int = TOP, now: datetime | None = None
) -> Digest:
    """The digest of ``period``: participation against the period before, the coverage matrix and
    the top ``top`` problems at its end, the approval chain at ``now``, the open surveys' results, and
    citizens' own order of the problems beside the committee's."""
    now = now or utcnow()
    ranked = list((await prioritize(session, plan)).ranked.index)
    return Digest(
        plan=plan,
        period=period,
        built_at=now,
        participation=await participation(session, plan, period),
        coverage=await coverage(session, plan, until=period.end),
        top=await top_problems(session, plan, period, top),
        approvals=await approvals(session, plan, period, ranked, now),
        surveys=await _survey_sections(session, period),
        citizens=await citizens_order(session, plan, until=period.end),
    )
