"""Every corpus XLSForm imported, opened and answered end to end through the emulator by a simulated
citizen (half in Persian, half in English), and each response checked in the export."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from backend.db import create_engine, session_factory
from backend.exports import responses_tables
from backend.jalali import TEHRAN
from backend.plan import load_plan
from backend.services import surveys
from backend.surveys.engine import SurveyState
from backend.surveys.model import FILE_TYPES, INSTANCE_MARK, QuestionType, SurveyDefinition
from backend.surveys.plan_sources import plan_choice_sources
from backend.surveys.values import to_json
from backend.surveys.xlsform import load_xlsform
from bot.runner import running_bot
from sandbox.emulator.users import SimulatedUser
from tests.data.xlsforms.corpus import ACCEPTED, build
from tests.e2e.citizens import consent, consent_in_english
from tests.e2e.conftest import TOKEN
from tests.e2e.form_citizen import Sent, answer_survey


async def _join(user: SimulatedUser, code: str, lang: str) -> None:
    """Open the survey's deep link as a new citizen, in ``lang``."""
    if lang == "fa":
        await consent(user, f"s_{code}")
        await user.press("منطقه ۲")
    else:
        await consent_in_english(user, f"s_{code}")
        await user.press("Samen District")


def _shown(value: Any) -> str:
    return "" if value is None or value is pd.NA else str(value)


def _check_value(row: pd.Series, name: str, kind: QuestionType, value: Any, sent: Sent) -> None:
    if kind is QuestionType.SELECT_MULTIPLE:
        assert all(row[f"{name}__{choice}"] == 1 for choice in value), name
    elif kind is QuestionType.GEOPOINT:
        assert (row[f"{name}__latitude"], row[f"{name}__longitude"]) == (value["latitude"], value["longitude"])
    elif kind in FILE_TYPES:
        path = Path(row[name])
        assert path.is_file() and path.read_bytes() == sent.files[name.split(INSTANCE_MARK)[0]], name
    elif kind in (QuestionType.RANK, QuestionType.AXES_RANK):
        assert [row[f"{name}__{choice}"] for choice in value] == list(range(1, len(value) + 1)), name
    elif kind not in (QuestionType.ACKNOWLEDGE, QuestionType.REPEAT_MORE):
        assert _shown(row[name]) == _shown(to_json(value)), (name, row[name], value)


def check_export(tables: dict[str, pd.DataFrame], defn: SurveyDefinition, state: SurveyState, sent: Sent) -> None:
    """The response's row holds every answer and calculation the citizen's engine copy has; each
    repeat's table a row per instance with its members' answers."""
    [row] = [r for _, r in tables["responses"].iterrows()]
    assert row["status"] == "completed"
    for question in defn.questions:
        if question.repeat is not None or question.type is QuestionType.NOTE:
            continue
        if question.type is QuestionType.CALCULATE:
            expected = _shown(to_json(state.derived[question.name]))
            if "now()" in (question.calculation or ""):  # the bot's clock ran on: the same day will do
                expected = expected[:10]
            assert _shown(row[question.name]).startswith(expected), question.name
        elif question.type is QuestionType.METADATA:
            assert _shown(row[question.name]), question.name
        elif question.name in state.answers:
            _check_value(row, question.name, question.type, state.answers[question.name], sent)
    for repeat in defn.repeats:
        table = tables[repeat.name].set_index("instance")
        members = [q for q in defn.questions if q.repeat == repeat.name and q.type is not QuestionType.CALCULATE]
        instances = sorted(
            {
                int(name.split(INSTANCE_MARK)[1])
                for name in state.answers
                if INSTANCE_MARK in name and name.split(INSTANCE_MARK)[0] in {m.name for m in members}
            }
        )
        assert list(table.index) == instances and instances
        for instance in instances:
            for member in members:
                answered = state.answers.get(f"{member.name}{INSTANCE_MARK}{instance}")
                if answered is not None:
                    _check_value(table.loc[instance], member.name, member.type, answered, sent)


async def test_every_corpus_form_is_answered_through_the_chat(
    settings_for,
    emulator,
    stack,  # type: ignore[no-untyped-def]
    tmp_path: Path,
) -> None:
    paths = build(tmp_path / "xlsforms")
    sources = plan_choice_sources(load_plan())
    definitions = {name: load_xlsform(paths[name]) for name in ACCEPTED}
    engine = create_engine(stack.database_url)
    sessions = session_factory(engine)
    try:
        async with running_bot(settings_for()):
            async with sessions() as session, session.begin():
                for defn in definitions.values():
                    await surveys.register(session, defn)
                    await surveys.set_open(session, defn.code, True)
            for number, defn in enumerate(definitions.values()):
                lang = "fa" if number % 2 == 0 else "en"
                user = emulator.user(TOKEN, user_id=8000 + number, first_name="Citizen", language_code=lang)
                await _join(user, defn.code, lang)
                state, sent = await answer_survey(user, defn, sources, lang)
                async with sessions() as session:
                    check_export(await responses_tables(session, defn.code, zone=TEHRAN), defn, state, sent)
    finally:
        await engine.dispose()
