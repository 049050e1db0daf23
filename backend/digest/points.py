"""The points citizens shared in a survey's geopoint questions, for the digest's map."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pandas as pd
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.models import Answer, Response, SurveyVersion
from backend.surveys.model import QuestionType, SurveyDefinition

POINT_COLUMNS = ["latitude", "longitude", "district"]


async def survey_points(
    session: AsyncSession, survey_id: int, definition: SurveyDefinition, until: datetime
) -> pd.DataFrame:
    """latitude, longitude and district (confirmed, else proposed, else None) of every point given
    to a geopoint question of the survey in responses completed before ``until``."""
    names = [q.name for q in definition.questions if q.type is QuestionType.GEOPOINT and q.repeat is None]
    if not names:
        return pd.DataFrame(columns=POINT_COLUMNS)
    rows = await session.scalars(
        select(Answer.value)
        .join(Response, Answer.response_id == Response.id)
        .join(SurveyVersion, Response.survey_version_id == SurveyVersion.id)
        .where(
            SurveyVersion.survey_id == survey_id,
            Answer.question.in_(names),
            Answer.skipped.is_(False),
            Response.status == "completed",
            Response.completed_at < until,
        )
    )
    points: list[dict[str, Any]] = [
        {
            "latitude": value["latitude"],
            "longitude": value["longitude"],
            "district": value.get("district") or value.get("district_proposed"),
        }
        for value in rows
        if isinstance(value, dict) and "latitude" in value
    ]
    return pd.DataFrame(points, columns=POINT_COLUMNS)
