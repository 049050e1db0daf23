"""Survey responses as one table: a row per response, columns per question in survey order.

Two queries fetch everything (responses with their pseudonyms, then the answers); pandas
pivots the answers into columns, so large surveys export in seconds.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd
from sqlalchemy import ColumnElement, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.exports.columns import fetch_rows, frame_of, jalali_datetime, utc_iso
from backend.models import Answer, Participant, Response, SurveyVersion
from backend.plan import Plan, load_plan
from backend.services.surveys import by_code
from backend.surveys.model import RANK_TYPES, Question, QuestionType, SurveyDefinition
from backend.surveys.plan_sources import plan_choice_sources
from backend.surveys.state import ChoiceSources

NO_COLUMN = frozenset({QuestionType.NOTE, QuestionType.ACKNOWLEDGE})
NUMBER_TYPES = frozenset({QuestionType.INTEGER, QuestionType.DECIMAL, QuestionType.RANGE})
RESPONSE_COLUMNS = {
    "response": "int64", "participant": "object", "survey_version": "int64", "status": "object",
    "language": "object", "district": "object", "stakeholder_group": "object",
    "started_at": "object", "completed_at": "object",
}
TIME_COLUMNS = ("started_jalali", "completed_jalali")
ANSWER_COLUMNS = {"response": "int64", "question": "object", "value": "object"}


@dataclass
class ExportQuestion:
    """A question that gets columns: its newest definition and its choice names over all versions."""

    question: Question
    choices: list[str] = field(default_factory=list)


def export_questions(definitions: list[SurveyDefinition], sources: ChoiceSources) -> list[ExportQuestion]:
    """The questions to export from ``definitions`` (newest first): the newest version's order,
    then questions only older versions have; notes and acknowledgements get no column."""
    found: dict[str, ExportQuestion] = {}
    for definition in definitions:
        for question in definition.questions:
            if question.type in NO_COLUMN:
                continue
            own = question.choices if question.choice_source is None else sources.get(question.choice_source, ())
            entry = found.setdefault(question.name, ExportQuestion(question))
            entry.choices += [choice.name for choice in own if choice.name not in entry.choices]
    return list(found.values())


def _plain(entry: ExportQuestion, values: pd.Series) -> pd.DataFrame:
    return values.astype(object).rename(entry.question.name).to_frame()


def _number(entry: ExportQuestion, values: pd.Series) -> pd.DataFrame:
    """Real numbers: whole-valued columns as integers, others as floats (decimals are stored as text)."""
    numbers = pd.to_numeric(values.astype(object), errors="coerce")
    whole = bool((numbers.dropna() % 1 == 0).all())
    return numbers.astype("Int64" if whole else "Float64").rename(entry.question.name).to_frame()


def _positions(entry: ExportQuestion, values: pd.Series) -> pd.DataFrame:
    """The 1-based position of each chosen name, a ``q__choice`` column per choice (declared
    choices first, then any other name found in the answers); blank where not chosen."""
    chosen = values.explode()
    long = pd.DataFrame({
        "response": chosen.index,
        "choice": chosen.to_numpy(),
        "position": chosen.groupby(level=0).cumcount().to_numpy() + 1,
    }).dropna(subset=["choice"]).drop_duplicates(["response", "choice"])
    table = long.pivot(index="response", columns="choice", values="position")
    names = entry.choices + sorted(set(table.columns) - set(entry.choices))
    table = table.reindex(index=values.index, columns=names)
    table.columns = pd.Index([f"{entry.question.name}__{name}" for name in names], dtype=object)
    return table


def _problem(entry: ExportQuestion, values: pd.Series) -> pd.DataFrame:
    def part(key: str) -> pd.Series:
        return values.map(lambda value: value.get(key) if isinstance(value, dict) else None).astype(object)

    name = entry.question.name
    return pd.DataFrame({f"{name}__text": part("text"), f"{name}__axis": part("axis")}, index=values.index)


def question_columns(entry: ExportQuestion, values: pd.Series) -> pd.DataFrame:
    """The columns of one question from its answer values (indexed by response id): select_multiple
    as 0/1 per choice, ranks as positions per choice, a problem as text and axis, numbers as numbers."""
    kind = entry.question.type
    if kind is QuestionType.SELECT_MULTIPLE:
        return _positions(entry, values).notna().astype("Int64")
    if kind in RANK_TYPES:
        return _positions(entry, values).astype("Int64")
    if kind is QuestionType.PROBLEM:
        return _problem(entry, values)
    if kind in NUMBER_TYPES:
        return _number(entry, values)
    return _plain(entry, values)


def _reserved(column: str) -> str:
    """A question column named like a response column (e.g. the ``district`` question) gets ``_answer``."""
    return f"{column}_answer" if column in RESPONSE_COLUMNS or column in TIME_COLUMNS else column


def assemble(responses: pd.DataFrame, answers: pd.DataFrame, questions: list[ExportQuestion]) -> pd.DataFrame:
    """The export table from the response rows, the (non-skipped) answer rows and the questions."""
    table = responses.set_index("response", drop=False)
    table = table.assign(
        started_at=utc_iso(table["started_at"]), completed_at=utc_iso(table["completed_at"]),
        started_jalali=jalali_datetime(table["started_at"]), completed_jalali=jalali_datetime(table["completed_at"]),
    )
    by_question = {name: group.set_index("response")["value"] for name, group in answers.groupby("question")}
    nothing = pd.Series([], index=pd.Index([], dtype="int64"), dtype=object)
    parts = [question_columns(entry, by_question.get(entry.question.name, nothing)).rename(columns=_reserved)
             for entry in questions]
    return pd.concat([table, *parts], axis=1).reindex(table.index).reset_index(drop=True)


async def responses_frame(session: AsyncSession, survey_code: str, *, include_unfinished: bool = False,
                          plan: Plan | None = None) -> pd.DataFrame:
    """One row per response to survey ``survey_code`` (completed ones unless ``include_unfinished``):
    response id, the participant's pseudonym (never a messenger id), version, status, language,
    district, stakeholder group, ISO UTC and Jalali times, then the answer columns (see
    ``question_columns``; skipped answers are blank). ``plan`` names the axes of plan-aware
    questions (default: the bundled plan). An unknown code is a MeydanError listing the known ones."""
    survey = await by_code(session, survey_code)
    raw = await session.scalars(select(SurveyVersion.definition).where(SurveyVersion.survey_id == survey.id)
                                .order_by(SurveyVersion.version.desc()))
    definitions = [SurveyDefinition.model_validate(definition) for definition in raw]
    questions = export_questions(definitions, plan_choice_sources(plan or load_plan()))
    chosen: list[ColumnElement[bool]] = [SurveyVersion.survey_id == survey.id]
    if not include_unfinished:
        chosen.append(Response.status == "completed")
    responses = (
        select(Response.id, Participant.pseudonym, SurveyVersion.version, Response.status, Response.language,
               Response.district, Response.stakeholder_group, Response.started_at, Response.completed_at)
        .join(SurveyVersion, Response.survey_version_id == SurveyVersion.id)
        .join(Participant, Response.participant_id == Participant.id)
        .where(*chosen).order_by(Response.id)
    )
    answers = (
        select(Answer.response_id, Answer.question, Answer.value)
        .join(Response, Answer.response_id == Response.id)
        .join(SurveyVersion, Response.survey_version_id == SurveyVersion.id)
        .where(*chosen, Answer.skipped.is_(False))
    )
    return assemble(frame_of(await fetch_rows(session, responses), RESPONSE_COLUMNS),
                    frame_of(await fetch_rows(session, answers), ANSWER_COLUMNS), questions)
