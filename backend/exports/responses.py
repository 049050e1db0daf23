"""Survey responses as one table: a row per response, columns per question in survey order;
and, for a survey with repeats, a table per repeat: a row per instance keyed to its response
(as KoboToolbox exports them).

Two queries fetch everything (responses with their pseudonyms, then the answers); pandas
pivots the answers into columns, so large surveys export in seconds.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import tzinfo

import pandas as pd
from sqlalchemy import ColumnElement, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.exports.columns import fetch_rows, frame_of, jalali_datetime, utc_iso
from backend.models import Answer, Participant, Response, SurveyVersion
from backend.plan import Plan, load_plan
from backend.services.surveys import by_code
from backend.surveys.model import FILE_TYPES, INSTANCE_MARK, RANK_TYPES, Question, QuestionType, SurveyDefinition
from backend.surveys.plan_sources import plan_choice_sources
from backend.surveys.state import ChoiceSources

NO_COLUMN = frozenset({QuestionType.NOTE, QuestionType.ACKNOWLEDGE, QuestionType.REPEAT_MORE})
POINT_PARTS = ("latitude", "longitude", "accuracy", "district_proposed", "district")
NUMBER_TYPES = frozenset({QuestionType.INTEGER, QuestionType.DECIMAL, QuestionType.RANGE})
RESPONSE_COLUMNS = {
    "response": "int64",
    "participant": "object",
    "survey_version": "int64",
    "status": "object",
    "language": "object",
    "district": "object",
    "stakeholder_group": "object",
    "started_at": "object",
    "completed_at": "object",
}
TIME_COLUMNS = ("started_jalali", "completed_jalali")
ANSWER_COLUMNS = {"response": "int64", "question": "object", "value": "object"}


@dataclass
class ExportQuestion:
    """A question that gets columns: its newest definition and its choice names over all versions."""

    question: Question
    choices: list[str] = field(default_factory=list)


def export_questions(
    definitions: list[SurveyDefinition], sources: ChoiceSources, repeat: str | None = None
) -> list[ExportQuestion]:
    """The questions to export from ``definitions`` (newest first): the newest version's order,
    then questions only older versions have; notes and acknowledgements get no column. Those
    outside repeats, or with ``repeat`` the members of that repeat."""
    found: dict[str, ExportQuestion] = {}
    for definition in definitions:
        for question in definition.questions:
            if question.type in NO_COLUMN or question.repeat != repeat:
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
    long = (
        pd.DataFrame(
            {
                "response": chosen.index,
                "choice": chosen.to_numpy(),
                "position": chosen.groupby(level=0).cumcount().to_numpy() + 1,
            }
        )
        .dropna(subset=["choice"])
        .drop_duplicates(["response", "choice"])
    )
    table = long.pivot(index="response", columns="choice", values="position")
    names = entry.choices + sorted(set(table.columns) - set(entry.choices))
    table = table.reindex(index=values.index, columns=names)
    table.columns = pd.Index([f"{entry.question.name}__{name}" for name in names], dtype=object)
    return table


def _parts(entry: ExportQuestion, values: pd.Series, keys: tuple[str, ...]) -> pd.DataFrame:
    """A ``q__key`` column per key of the answers' mappings (a problem's text and axis, a point's parts)."""

    def part(key: str) -> pd.Series:
        return values.map(lambda value: value.get(key) if isinstance(value, dict) else None).astype(object)

    name = entry.question.name
    return pd.DataFrame({f"{name}__{key}": part(key) for key in keys}, index=values.index)


def _file(entry: ExportQuestion, values: pd.Series) -> pd.DataFrame:
    """A received file: the path it was saved to (its file id if it could not be downloaded)."""
    paths = values.map(lambda value: value.get("path") or value.get("file_id") if isinstance(value, dict) else None)
    return paths.astype(object).rename(entry.question.name).to_frame()


def question_columns(entry: ExportQuestion, values: pd.Series) -> pd.DataFrame:
    """The columns of one question from its answer values (indexed by response id): select_multiple
    as 0/1 per choice, ranks as positions per choice, a problem as text and axis, a geopoint as
    latitude, longitude, accuracy and the proposed and confirmed district, a file as its path,
    numbers as numbers."""
    kind = entry.question.type
    if kind is QuestionType.SELECT_MULTIPLE:
        return _positions(entry, values).notna().astype("Int64")
    if kind in RANK_TYPES:
        return _positions(entry, values).astype("Int64")
    if kind is QuestionType.PROBLEM:
        return _parts(entry, values, ("text", "axis"))
    if kind is QuestionType.GEOPOINT:
        return _parts(entry, values, POINT_PARTS)
    if kind in FILE_TYPES:
        return _file(entry, values)
    if kind in NUMBER_TYPES:
        return _number(entry, values)
    return _plain(entry, values)


def _reserved(column: str) -> str:
    """A question column named like a response column (e.g. the ``district`` question) gets ``_answer``."""
    return f"{column}_answer" if column in RESPONSE_COLUMNS or column in TIME_COLUMNS else column


def assemble(
    responses: pd.DataFrame, answers: pd.DataFrame, questions: list[ExportQuestion], zone: tzinfo
) -> pd.DataFrame:
    """The export table from the response rows, the (non-skipped) answer rows and the questions, its
    Jalali times in ``zone``."""
    table = responses.set_index("response", drop=False)
    table = table.assign(
        started_at=utc_iso(table["started_at"]),
        completed_at=utc_iso(table["completed_at"]),
        started_jalali=jalali_datetime(table["started_at"], zone),
        completed_jalali=jalali_datetime(table["completed_at"], zone),
    )
    by_question = {name: group.set_index("response")["value"] for name, group in answers.groupby("question")}
    nothing = pd.Series([], index=pd.Index([], dtype="int64"), dtype=object)
    parts = [
        question_columns(entry, by_question.get(entry.question.name, nothing)).rename(columns=_reserved)
        for entry in questions
    ]
    return pd.concat([table, *parts], axis=1).reindex(table.index).reset_index(drop=True)


def repeat_table(answers: pd.DataFrame, members: list[ExportQuestion]) -> pd.DataFrame:
    """A repeat's table from the answer rows: ``response`` and ``instance`` (1-based), then the
    members' columns; a row per instance answered."""
    split = answers["question"].str.partition(INSTANCE_MARK)
    names = {entry.question.name for entry in members}
    mine = answers.assign(base=split[0], instance=pd.to_numeric(split[2], errors="coerce"))
    mine = mine[mine["base"].isin(names) & mine["instance"].notna()]
    keys = (
        mine[["response", "instance"]]
        .drop_duplicates()
        .sort_values(["response", "instance"])
        .astype({"instance": "int64"})
        .reset_index(drop=True)
    )
    mine = mine.astype({"instance": "int64"}).merge(keys.rename_axis("row").reset_index(), on=["response", "instance"])
    by_question = {name: group.set_index("row")["value"] for name, group in mine.groupby("base")}
    nothing = pd.Series([], index=pd.Index([], dtype="int64"), dtype=object)
    parts = [question_columns(entry, by_question.get(entry.question.name, nothing)) for entry in members]
    return pd.concat([keys, *parts], axis=1).reindex(keys.index)


async def responses_tables(
    session: AsyncSession,
    survey_code: str,
    *,
    zone: tzinfo,
    include_unfinished: bool = False,
    plan: Plan | None = None,
) -> dict[str, pd.DataFrame]:
    """The responses table (see ``responses_frame``) under "responses", then a table per repeat
    under its name (see ``repeat_table``)."""
    return await _tables(session, survey_code, include_unfinished, plan, zone)


async def responses_frame(
    session: AsyncSession,
    survey_code: str,
    *,
    zone: tzinfo,
    include_unfinished: bool = False,
    plan: Plan | None = None,
) -> pd.DataFrame:
    """One row per response to survey ``survey_code`` (completed ones unless ``include_unfinished``):
    response id, the participant's pseudonym (never a messenger id), version, status, language,
    district, stakeholder group, ISO UTC and Jalali times (in ``zone``, the plan's), then the answer columns (see
    ``question_columns``; skipped answers are blank). ``plan`` names the axes of plan-aware
    questions (default: the bundled plan). An unknown code is a MeydanError listing the known ones."""
    return (await _tables(session, survey_code, include_unfinished, plan, zone))["responses"]


async def _tables(
    session: AsyncSession, survey_code: str, include_unfinished: bool, plan: Plan | None, zone: tzinfo
) -> dict[str, pd.DataFrame]:
    survey = await by_code(session, survey_code)
    raw = await session.scalars(
        select(SurveyVersion.definition)
        .where(SurveyVersion.survey_id == survey.id)
        .order_by(SurveyVersion.version.desc())
    )
    definitions = [SurveyDefinition.model_validate(definition) for definition in raw]
    sources = plan_choice_sources(plan or load_plan())
    questions = export_questions(definitions, sources)
    chosen: list[ColumnElement[bool]] = [SurveyVersion.survey_id == survey.id]
    if not include_unfinished:
        chosen.append(Response.status == "completed")
    responses = (
        select(
            Response.id,
            Participant.pseudonym,
            SurveyVersion.version,
            Response.status,
            Response.language,
            Response.district,
            Response.stakeholder_group,
            Response.started_at,
            Response.completed_at,
        )
        .join(SurveyVersion, Response.survey_version_id == SurveyVersion.id)
        .join(Participant, Response.participant_id == Participant.id)
        .where(*chosen)
        .order_by(Response.id)
    )
    answers = (
        select(Answer.response_id, Answer.question, Answer.value)
        .join(Response, Answer.response_id == Response.id)
        .join(SurveyVersion, Response.survey_version_id == SurveyVersion.id)
        .where(*chosen, Answer.skipped.is_(False))
    )
    answer_rows = frame_of(await fetch_rows(session, answers), ANSWER_COLUMNS)
    tables = {
        "responses": assemble(
            frame_of(await fetch_rows(session, responses), RESPONSE_COLUMNS), answer_rows, questions, zone
        )
    }
    repeats = dict.fromkeys(repeat.name for definition in definitions for repeat in definition.repeats)
    for name in repeats:
        tables[name] = repeat_table(answer_rows, export_questions(definitions, sources, repeat=name))
    return tables
