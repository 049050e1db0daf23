"""Surveys in the database: registering versions, opening and closing, listing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.errors import MeydanError
from backend.models import Response, Survey, SurveyVersion
from backend.surveys import bundled_surveys
from backend.surveys.model import SurveyDefinition
from backend.surveys.yamlformat import load_yaml_survey


@dataclass(frozen=True)
class Registration:
    """What registering a definition did: ``created``, ``new_version``, ``updated`` or ``unchanged``."""

    survey: Survey
    version: SurveyVersion
    outcome: str


@dataclass(frozen=True)
class SurveySummary:
    """One line of ``meydan survey list``."""

    code: str
    title: dict[str, str]
    is_open: bool
    versions: int
    completed: int
    in_progress: int


async def _responses(session: AsyncSession, version_id: int) -> int:
    return await session.scalar(select(func.count()).where(Response.survey_version_id == version_id)) or 0


async def register(session: AsyncSession, definition: SurveyDefinition) -> Registration:
    """Store a definition: a new survey, a new version if the old one has answers, else in place."""
    survey = await session.scalar(select(Survey).where(Survey.code == definition.code))
    content = definition.model_dump(mode="json")
    fingerprint = definition.fingerprint()
    if survey is None:
        survey = Survey(
            code=definition.code, title=dict(definition.title), allow_multiple=definition.allow_multiple_responses
        )
        session.add(survey)
        await session.flush()
        version = SurveyVersion(survey_id=survey.id, version=1, fingerprint=fingerprint, definition=content)
        session.add(version)
        await session.flush()
        return Registration(survey, version, "created")
    latest = await latest_version(session, survey.id)
    survey.title = dict(definition.title)
    survey.allow_multiple = definition.allow_multiple_responses
    if latest.fingerprint == fingerprint:
        return Registration(survey, latest, "unchanged")
    if await _responses(session, latest.id):
        version = SurveyVersion(
            survey_id=survey.id, version=latest.version + 1, fingerprint=fingerprint, definition=content
        )
        session.add(version)
        await session.flush()
        return Registration(survey, version, "new_version")
    latest.fingerprint, latest.definition = fingerprint, content
    return Registration(survey, latest, "updated")


async def latest_version(session: AsyncSession, survey_id: int) -> SurveyVersion:
    """The newest version of a survey (new responses use it)."""
    return (
        await session.scalars(
            select(SurveyVersion)
            .where(SurveyVersion.survey_id == survey_id)
            .order_by(SurveyVersion.version.desc())
            .limit(1)
        )
    ).one()


async def by_code(session: AsyncSession, code: str) -> Survey:
    """The survey with ``code``; a MeydanError listing the known codes if there is none."""
    survey = await session.scalar(select(Survey).where(Survey.code == code))
    if survey is None:
        known = ", ".join((await session.scalars(select(Survey.code).order_by(Survey.code))).all()) or "none yet"
        raise MeydanError(f"no survey with code {code!r} (known: {known})")
    return survey


async def set_open(session: AsyncSession, code: str, is_open: bool, *, closes_at: datetime | None = None) -> Survey:
    """Open or close a survey for new responses; opening may set a closing time."""
    survey = await by_code(session, code)
    survey.is_open = is_open
    if is_open:
        survey.closes_at = closes_at
    return survey


def is_open_now(survey: Survey, now: datetime) -> bool:
    """Whether citizens can answer ``survey`` at ``now``."""
    return (
        survey.is_open
        and (survey.opens_at is None or survey.opens_at <= now)
        and (survey.closes_at is None or survey.closes_at > now)
    )


async def open_surveys(session: AsyncSession, now: datetime) -> list[Survey]:
    """Surveys citizens can answer now (open, and inside their dates if any)."""
    query = (
        select(Survey)
        .where(
            Survey.is_open.is_(True),
            or_(Survey.opens_at.is_(None), Survey.opens_at <= now),
            or_(Survey.closes_at.is_(None), Survey.closes_at > now),
        )
        .order_by(Survey.id)
    )
    return list((await session.scalars(query)).all())


async def summaries(session: AsyncSession) -> list[SurveySummary]:
    """Every survey with its version count and responses by status."""
    counts = {
        (code, status): n
        for code, status, n in (
            await session.execute(
                select(Survey.code, Response.status, func.count())
                .join(SurveyVersion, SurveyVersion.survey_id == Survey.id)
                .join(Response, Response.survey_version_id == SurveyVersion.id)
                .group_by(Survey.code, Response.status)
            )
        ).all()
    }
    versions = dict(
        (
            await session.execute(
                select(Survey.code, func.count(SurveyVersion.id)).join(SurveyVersion).group_by(Survey.code)
            )
        ).all()
    )
    surveys = (await session.scalars(select(Survey).order_by(Survey.code))).all()
    return [
        SurveySummary(
            s.code,
            s.title,
            s.is_open,
            versions.get(s.code, 0),
            counts.get((s.code, "completed"), 0),
            counts.get((s.code, "in_progress"), 0),
        )
        for s in surveys
    ]


def load_definition(path: Path) -> SurveyDefinition:
    """Read a survey file: XLSForm (.xlsx/.xls) or Meydan's YAML (.yaml/.yml)."""
    suffix = path.suffix.lower()
    if not path.exists():
        raise MeydanError(f"survey file {path}: not found")
    if suffix in (".xlsx", ".xls"):
        from backend.surveys.xlsform import load_xlsform  # pyxform takes a second to import: only when needed

        return load_xlsform(path)
    if suffix in (".yaml", ".yml"):
        return load_yaml_survey(path)
    raise MeydanError(f"survey file {path}: expected an XLSForm (.xlsx) or a YAML survey (.yaml)")


async def install_bundled(session: AsyncSession) -> list[Registration]:
    """Register the surveys shipped with Meydan; a survey seen for the first time is opened."""
    done = []
    for path in bundled_surveys():
        registration = await register(session, load_definition(path))
        if registration.outcome == "created":
            registration.survey.is_open = True
        done.append(registration)
    return done
