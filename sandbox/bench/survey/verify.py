"""After a run: does the database hold every citizen's completed response with every answer given?"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import URL

from backend.db import create_engine, session_factory
from backend.models import Answer, Participant, Response
from sandbox.bench.survey.citizen import Run


@dataclass(frozen=True)
class Check:
    """``incomplete``: citizens without exactly one completed response. ``lost``: answers given but
    not stored as given (missing, changed, or a skip not recorded), counted over completed responses."""

    incomplete: int
    lost: int


def lost(expected: dict[str, Any], stored: dict[str, Answer]) -> int:
    lost = 0
    for question, value in expected.items():
        row = stored.get(question)
        ok = row is not None and (row.skipped if value is None else not row.skipped and row.value == value)
        lost += not ok
    return lost


async def check(database_url: URL, runs: list[Run]) -> Check:
    """Compare what each citizen answered with the responses and answers in the database."""
    engine = create_engine(database_url)
    try:
        async with session_factory(engine)() as session:
            ids = [run.user_id for run in runs]
            people = dict(
                (
                    await session.execute(
                        select(Participant.telegram_id, Participant.id).where(Participant.telegram_id.in_(ids))
                    )
                ).all()
            )
            completed: dict[int, list[int]] = defaultdict(list)
            for participant_id, response_id in await session.execute(
                select(Response.participant_id, Response.id).where(
                    Response.participant_id.in_(people.values()), Response.status == "completed"
                )
            ):
                completed[participant_id].append(response_id)
            answers: dict[int, dict[str, Answer]] = defaultdict(dict)
            single = [found[0] for found in completed.values() if len(found) == 1]
            for row in await session.scalars(select(Answer).where(Answer.response_id.in_(single))):
                answers[row.response_id][row.question] = row
    finally:
        await engine.dispose()
    incomplete = missing = 0
    for run in runs:
        responses = completed.get(people.get(run.user_id, -1), [])
        if len(responses) != 1:
            incomplete += 1
            continue
        missing += lost(run.script.expected, answers[responses[0]])
    return Check(incomplete, missing)
