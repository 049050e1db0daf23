"""Survey results per question, by segment (district, stakeholder group, age band...), with
completion and response rates."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import SQLColumnExpression, and_, case, func, literal_column, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased
from sqlalchemy.sql.elements import ColumnElement

from backend.aggregation.findings import check_dimensions
from backend.aggregation.sql import for_analysis, json_text, read_frame
from backend.models import Answer, Response, SurveyVersion
from backend.services import surveys
from backend.surveys.model import RANK_TYPES, SINGLE_CHOICE_TYPES, QuestionType, SurveyDefinition

COMPLETED = "completed"
PROFILE_SEGMENTS = ("district", "stakeholder_group")  # kept on the response from the participant's profile
COUNTED_TYPES = frozenset(
    {
        *SINGLE_CHOICE_TYPES,
        *RANK_TYPES,
        QuestionType.SELECT_MULTIPLE,
        QuestionType.RANGE,
        QuestionType.INTEGER,
        QuestionType.DECIMAL,
    }
)


@dataclass(frozen=True)
class SurveyResults:
    """One survey's results over all its versions, by ``segments``.

    ``completion``: ``*segments, started, completed, completion_rate`` (all responses).
    ``questions``: ``question, type, *segments, completed, answered, skipped, response_rate``
    (answered over completed responses in the segment).
    ``values``: ``question, value, *segments, count, share, mean_position`` over completed
    responses: for a choice or number, how many gave the value; for a multiple choice, how many
    chose it; for a ranking, how many ranked it first, with its mean position (1 = first).
    ``share`` is ``count`` over the question's answers in the segment.
    """

    code: str
    segments: tuple[str, ...]
    completion: pd.DataFrame
    questions: pd.DataFrame
    values: pd.DataFrame


def _segment_columns(definition: SurveyDefinition, segments: Sequence[str]) -> tuple[list[ColumnElement[Any]], Any]:
    """The SQL columns of ``segments`` and a function adding their joins to a query on responses."""
    single = [q.name for q in definition.questions if q.type in SINGLE_CHOICE_TYPES]
    if segments:
        check_dimensions(segments, list(dict.fromkeys([*PROFILE_SEGMENTS, *single])))
    columns: list[ColumnElement[Any]] = []
    joins = []
    for name in segments:
        if name in PROFILE_SEGMENTS:
            columns.append(getattr(Response, name).label(name))
        else:
            answer = aliased(Answer)
            joins.append(
                (answer, and_(answer.response_id == Response.id, answer.question == name, answer.skipped.is_(False)))
            )
            columns.append(json_text(answer.value).label(name))

    def joined(query: Any) -> Any:
        for target, on in joins:
            query = query.outerjoin(target, on)
        return query

    return columns, joined


def _decoded(texts: pd.Series) -> pd.Series:
    """JSON texts decoded (each distinct text once); None stays None."""
    return texts.map({text: json.loads(text) for text in texts.dropna().unique()})


def _ranked(values: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Rankings exploded to (choice, position), counted first-placed, with mean positions."""
    values = values.assign(position=values.value.map(lambda ranking: list(range(1, len(ranking) + 1))))
    values = values.explode(["value", "position"])
    values["weighted"] = values.position * values["count"]
    values["first"] = np.where(values.position == 1, values["count"], 0)
    grouped = values.groupby([*keys, "value"], dropna=False, sort=False)[["count", "weighted", "first"]].sum()
    grouped["mean_position"] = grouped.weighted / grouped["count"]
    return grouped.drop(columns=["count", "weighted"]).rename(columns={"first": "count"}).reset_index()


def _sortable(column: pd.Series, order: dict[str, int]) -> pd.Series:
    if column.name == "question":
        return column.map(order)
    if column.name == "value":  # only breaks ties of counts
        return column.astype(str)
    return column


def _in_order(frame: pd.DataFrame, keys: list[str], order: dict[str, int], *, values: bool = False) -> pd.DataFrame:
    """Sorted by question in survey order, then segments; values by count (most first), mean
    position and value."""
    columns = [*keys, "count", "mean_position", "value"] if values else keys
    ascending = [True] * len(keys) + ([False, True, True] if values else [])
    return frame.sort_values(columns, ascending=ascending, ignore_index=True, key=lambda c: _sortable(c, order))


def _completion(by_status: pd.DataFrame, names: list[str]) -> pd.DataFrame:
    by_status["completed"] = np.where(by_status.status == COMPLETED, by_status.started, 0)
    completion = by_status.assign(all=0).groupby([*names, "all"], dropna=False)[["started", "completed"]].sum()
    completion = completion.reset_index().drop(columns="all").astype({"started": "int64", "completed": "int64"})
    completion["completion_rate"] = completion.completed / completion.started
    return completion


def _questions(
    answers: pd.DataFrame, completion: pd.DataFrame, names: list[str], types: dict[str, QuestionType]
) -> pd.DataFrame:
    keys = ["question", *names]
    answers = answers.assign(answered=np.where(answers.skipped, 0, answers.n))
    questions = answers.groupby(keys, dropna=False)[["n", "answered"]].sum().reset_index()
    if names:
        questions = questions.merge(completion[[*names, "completed"]], how="left", on=names)
    else:
        questions["completed"] = completion.completed.sum()
    questions = questions.assign(
        type=questions.question.map(lambda q: types[q].value), skipped=questions.n - questions.answered
    )
    questions["response_rate"] = questions.answered / questions.completed
    return questions[["question", "type", *names, "completed", "answered", "skipped", "response_rate"]]


def _values(
    answers: pd.DataFrame, questions: pd.DataFrame, names: list[str], types: dict[str, QuestionType]
) -> pd.DataFrame:
    keys = ["question", *names]
    given = answers[answers.value.notna()].drop(columns="skipped").rename(columns={"n": "count"})
    given["value"] = _decoded(given.value)
    ranking = given.question.map(types).isin(RANK_TYPES)
    plain = given[~ranking].explode("value").dropna(subset=["value"])  # a multiple choice counts each choice
    values = pd.concat(
        [_ranked(given[ranking], keys), plain.groupby([*keys, "value"], dropna=False)["count"].sum().reset_index()],
        ignore_index=True,
    )
    values = values.merge(questions[[*keys, "answered"]], how="left", on=keys)
    values["share"] = values["count"] / values.answered
    return values[["question", "value", *names, "count", "share", "mean_position"]]


def _status_until(until: datetime | None) -> SQLColumnExpression[Any]:
    """A response's status as it stood at ``until``: completed only if completed before it."""
    if until is None:
        return Response.status
    # inline constants: PostgreSQL matches a GROUP BY expression to the select's only without bound parameters
    return case(
        (
            and_(Response.status == literal_column(f"'{COMPLETED}'"), Response.completed_at < until),
            literal_column(f"'{COMPLETED}'"),
        ),
        else_=literal_column("'in_progress'"),
    )


async def survey_results(
    session: AsyncSession, code: str, *, segments: Sequence[str] = (), until: datetime | None = None
) -> SurveyResults:
    """The results of survey ``code`` by ``segments``: ``district`` and ``stakeholder_group`` (from
    the profile at the start of the response) or the name of a single-choice question (such as
    ``age_band``), whose answer is used. Question types come from the newest version. With
    ``until``, the results as they stood then (responses started and completed before it)."""
    await for_analysis(session)
    survey = await surveys.by_code(session, code)
    definition = SurveyDefinition.model_validate((await surveys.latest_version(session, survey.id)).definition)
    columns, joined = _segment_columns(definition, segments)
    from_answers = [name for name in segments if name not in PROFILE_SEGMENTS]
    names = list(segments)
    asked = [q for q in definition.questions if q.type is not QuestionType.NOTE]
    types: dict[str, QuestionType] = {q.name: q.type for q in asked}
    versions = select(SurveyVersion.id).where(SurveyVersion.survey_id == survey.id)
    of_survey: ColumnElement[bool] = Response.survey_version_id.in_(versions)
    if until is not None:
        of_survey = and_(of_survey, Response.started_at < until)
    status = _status_until(until)

    async def fetch(query: Any, labels: list[str]) -> pd.DataFrame:
        """A query's rows, whose last column is a count, with segments taken from answers decoded."""
        frame = (await read_frame(session, joined(query), labels, dtype=object)).astype({labels[-1]: "int64"})
        return frame.assign(**{name: _decoded(frame[name]) for name in from_answers})

    completion = _completion(
        await fetch(
            select(*columns, status, func.count()).where(of_survey).group_by(*columns, status),
            [*names, "status", "started"],
        ),
        names,
    )
    counted = [name for name, kind in types.items() if kind in COUNTED_TYPES]
    value = case((and_(Answer.question.in_(counted), Answer.skipped.is_(False)), json_text(Answer.value)))
    answers = await fetch(
        select(Answer.question, Answer.skipped, value, *columns, func.count())
        .join(Response, Response.id == Answer.response_id)
        .where(of_survey, status == COMPLETED, Answer.question.in_(list(types)))
        .group_by(Answer.question, Answer.skipped, value, *columns),
        ["question", "skipped", "value", *names, "n"],
    )
    questions = _questions(answers, completion, names, types)
    order = {name: i for i, name in enumerate(types)}
    keys = ["question", *names]
    return SurveyResults(
        code,
        tuple(segments),
        completion,
        _in_order(questions, keys, order),
        _in_order(_values(answers, questions, names, types), keys, order, values=True),
    )
