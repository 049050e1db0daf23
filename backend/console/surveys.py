"""Surveys as the secretariat runs them: upload (errors by sheet, row and reason), versions, opening and
closing with dates, the completion funnel and the survey's deep link."""

from __future__ import annotations

import re
import tempfile
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path, PurePath
from typing import TYPE_CHECKING

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.audit import record
from backend.console.staff import Staff
from backend.context import AppContext, transaction
from backend.errors import Refused
from backend.links import SURVEY_PREFIX, deep_link
from backend.models import Answer, Response, Survey, SurveyVersion, utcnow
from backend.services import surveys
from backend.surveys.errors import SurveyFormatError, SurveyImportError
from backend.surveys.model import QuestionType, SurveyDefinition

if TYPE_CHECKING:
    import pandas as pd

    from backend.digest.build import SurveySection

_YAML_LINE = re.compile(r"\bat line (\d+)")
MAX_UPLOAD_BYTES = 5 * 1024 * 1024
XLSFORM_SUFFIXES = (".xlsx", ".xls")
YAML_SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True)
class UploadError:
    """Why an uploaded survey file was refused: the sheet (``yaml`` for a YAML file), the row if known."""

    sheet: str
    row: int | None
    reason: str


class UploadRefused(Refused):
    """An uploaded survey file that cannot be registered; ``errors`` says where and why."""

    def __init__(self, errors: list[UploadError]) -> None:
        super().__init__("surveys.upload.refused", count=len(errors))
        self.errors = errors


def read_upload(filename: str, content: bytes) -> SurveyDefinition:
    """The definition in an uploaded XLSForm or YAML file, or UploadRefused listing what is wrong."""
    suffix = PurePath(filename).suffix.lower()
    if suffix not in XLSFORM_SUFFIXES + YAML_SUFFIXES:
        raise Refused("surveys.upload.kind", name=filename)
    if not content or len(content) > MAX_UPLOAD_BYTES:
        raise Refused("surveys.upload.size", mb=MAX_UPLOAD_BYTES // (1024 * 1024))
    try:
        if suffix in YAML_SUFFIXES:
            from backend.surveys.yamlformat import load_yaml_survey

            try:
                return load_yaml_survey(content.decode("utf-8"))
            except UnicodeDecodeError:
                raise UploadRefused([UploadError("yaml", None, "the file is not UTF-8 text")]) from None
        from backend.surveys.xlsform import load_xlsform  # pyxform takes a second to import

        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / f"upload{suffix}"
            path.write_bytes(content)
            return load_xlsform(path)
    except SurveyImportError as error:
        raise UploadRefused([UploadError(error.sheet, error.row, error.reason)]) from None
    except SurveyFormatError as error:
        line = _YAML_LINE.search(str(error))
        sheet = "yaml" if suffix in YAML_SUFFIXES else "survey"
        raise UploadRefused([UploadError(sheet, int(line[1]) if line else None, str(error))]) from None


def _admin(staff: Staff) -> None:
    if not staff.is_admin:
        raise Refused("refused.admin_only")


async def listing(app: AppContext, staff: Staff) -> list[surveys.SurveySummary]:
    """Every survey with its version count and responses by status."""
    _admin(staff)
    async with transaction(app) as session:
        return await surveys.summaries(session)


async def upload(app: AppContext, staff: Staff, filename: str, content: bytes) -> surveys.Registration:
    """Register an uploaded survey file: a new survey, a new version, or the draft updated in place."""
    _admin(staff)
    definition = read_upload(filename, content)
    async with transaction(app) as session:
        registration = await surveys.register(session, definition)
        record(
            session,
            staff.actor,
            "survey.uploaded",
            "survey",
            definition.code,
            outcome=registration.outcome,
            version=registration.version.version,
            file=filename,
        )
        return registration


@dataclass(frozen=True)
class SurveyPage:
    """A survey with its versions (oldest first) and its newest definition."""

    survey: Survey
    versions: list[SurveyVersion]
    definition: SurveyDefinition
    responses: dict[str, int]  # by status: in_progress, completed


async def survey_page(app: AppContext, staff: Staff, code: str) -> SurveyPage:
    """One survey for its page; Refused ``surveys.unknown`` if there is none."""
    _admin(staff)
    async with transaction(app) as session:
        survey = await _survey(session, code)
        versions = list(
            (
                await session.scalars(
                    select(SurveyVersion).where(SurveyVersion.survey_id == survey.id).order_by(SurveyVersion.version)
                )
            ).all()
        )
        counts = dict(
            (
                await session.execute(
                    select(Response.status, func.count())
                    .join(SurveyVersion, SurveyVersion.id == Response.survey_version_id)
                    .where(SurveyVersion.survey_id == survey.id)
                    .group_by(Response.status)
                )
            ).all()
        )
        return SurveyPage(survey, versions, SurveyDefinition.model_validate(versions[-1].definition), counts)


async def _survey(session: AsyncSession, code: str) -> Survey:
    survey = await session.scalar(select(Survey).where(Survey.code == code))
    if survey is None:
        raise Refused("surveys.unknown", code=code)
    return survey


def day_start(day: date, app: AppContext) -> datetime:
    """The first instant of ``day`` in the plan's zone."""
    return datetime.combine(day, time(), app.zone)


async def schedule(
    app: AppContext, staff: Staff, code: str, *, is_open: bool, opens_on: date | None, closes_on: date | None
) -> Survey:
    """Open or close a survey; opening takes an optional first and last day (in the plan's zone)."""
    _admin(staff)
    if opens_on and closes_on and closes_on < opens_on:
        raise Refused("surveys.schedule.order")
    async with transaction(app) as session:
        survey = await _survey(session, code)
        survey.is_open = is_open
        if is_open:
            survey.opens_at = day_start(opens_on, app) if opens_on else None
            survey.closes_at = day_start(closes_on + timedelta(days=1), app) if closes_on else None
        record(
            session,
            staff.actor,
            "survey.opened" if is_open else "survey.closed",
            "survey",
            code,
            opens_at=survey.opens_at.isoformat() if survey.opens_at else None,
            closes_at=survey.closes_at.isoformat() if survey.closes_at else None,
        )
        return survey


@dataclass(frozen=True)
class FunnelStep:
    """One question of the funnel: responses that answered or skipped it, and unfinished responses
    whose last answer it was (they stopped right after it)."""

    question: str
    reached: int
    stopped_after: int


@dataclass(frozen=True)
class Funnel:
    """How many started, how many stopped before answering anything, each question, how many completed."""

    started: int
    stopped_before_first: int
    steps: list[FunnelStep]
    completed: int


async def funnel(app: AppContext, staff: Staff, code: str) -> Funnel:
    """The completion funnel of a survey over all its versions, questions in the newest version's order."""
    _admin(staff)
    async with transaction(app) as session:
        survey = await _survey(session, code)
        definition = SurveyDefinition.model_validate((await surveys.latest_version(session, survey.id)).definition)
        of_survey = Response.survey_version_id.in_(select(SurveyVersion.id).where(SurveyVersion.survey_id == survey.id))
        by_status = dict(
            (
                await session.execute(select(Response.status, func.count()).where(of_survey).group_by(Response.status))
            ).all()
        )
        reached = dict(
            (
                await session.execute(
                    select(Answer.question, func.count())
                    .join(Response, Response.id == Answer.response_id)
                    .where(of_survey)
                    .group_by(Answer.question)
                )
            ).all()
        )
        last = (
            select(func.max(Answer.id).label("id"))
            .join(Response, Response.id == Answer.response_id)
            .where(of_survey, Response.status == "in_progress")
            .group_by(Answer.response_id)
            .subquery()
        )
        stopped = dict(
            (
                await session.execute(
                    select(Answer.question, func.count())
                    .where(Answer.id.in_(select(last.c.id)))
                    .group_by(Answer.question)
                )
            ).all()
        )
        answering = await session.scalar(
            select(func.count(func.distinct(Answer.response_id)))
            .join(Response, Response.id == Answer.response_id)
            .where(of_survey, Response.status == "in_progress")
        )
    in_progress = by_status.get("in_progress", 0)
    steps = [
        FunnelStep(q.name, reached.get(q.name, 0), stopped.get(q.name, 0))
        for q in definition.questions
        if q.type is not QuestionType.NOTE
    ]
    return Funnel(sum(by_status.values()), in_progress - (answering or 0), steps, by_status.get("completed", 0))


def survey_link(app: AppContext, code: str) -> str:
    """The deep link that opens survey ``code`` in the bot (for posters, QR codes, the Shahr-e Man app)."""
    return deep_link(app.settings.api_base, app.settings.bot_username, SURVEY_PREFIX + code)


async def results(app: AppContext, staff: Staff, code: str) -> SurveySection:
    """Each question's results over completed responses, with the newest definition for its labels."""
    _admin(staff)
    from backend.aggregation.surveys import survey_results  # pandas: loaded when results are asked for
    from backend.digest.build import SurveySection
    from backend.digest.points import survey_points

    async with transaction(app) as session:
        survey = await _survey(session, code)
        definition = SurveyDefinition.model_validate((await surveys.latest_version(session, survey.id)).definition)
        now = utcnow()
        return SurveySection(
            survey,
            definition,
            await survey_results(session, code, until=now),
            await survey_points(session, survey.id, definition, now),
        )


async def export(app: AppContext, staff: Staff, code: str, *, include_unfinished: bool) -> dict[str, pd.DataFrame]:
    """The survey's responses, pseudonymized (see ``backend.exports.responses_tables``); the export is audited."""
    _admin(staff)
    from backend.exports import responses_tables

    async with transaction(app) as session:
        await _survey(session, code)
        tables = await responses_tables(
            session, code, zone=app.zone, include_unfinished=include_unfinished, plan=app.plan
        )
        record(
            session,
            staff.actor,
            "survey.exported",
            "survey",
            code,
            rows=len(tables["responses"]),
            unfinished=include_unfinished,
        )
        return tables
