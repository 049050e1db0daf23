"""Answering a survey through the use cases alone, as any adapter (the bot, a web form) calls them: each
reply claims its update once, a press for a question already left is Stale, a navigation the question does
not allow is Refused with its locale key."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy.engine import URL

from backend import migrate
from backend.config import load_settings
from backend.context import AppContext, transaction
from backend.db import create_engine, session_factory
from backend.errors import Refused
from backend.participants import service as participants
from backend.plan import load_plan
from backend.services import surveys
from backend.services.updates import AlreadyProcessed
from backend.surveys import answering
from backend.surveys.answering import Answered, Current, Stale
from tests.surveys.helpers import q, survey

BOT = 4242
CITIZEN = 7001


@pytest.fixture
async def app(database_url: URL, tmp_path: Path) -> AsyncIterator[AppContext]:
    """A migrated database with the test survey open and one citizen joined."""
    engine = create_engine(database_url)
    await migrate.upgrade(engine)
    settings = load_settings(
        bot_token=f"{BOT}:answering",
        data_dir=tmp_path,
        secret_key="answering-tests-secret-key-32-chars",
        database_url=database_url.render_as_string(hide_password=False),
    )
    app = AppContext(settings=settings, plan=load_plan(), engine=engine, sessions=session_factory(engine))
    async with transaction(app) as session:
        await surveys.register(session, survey(q("name", required=True), q("age", "integer")))
        await surveys.set_open(session, "test", True)
        await participants.join(session, app.secret, CITIZEN, "fa")
    yield app
    await engine.dispose()


def _typed(text: str):  # type: ignore[no-untyped-def]
    return lambda _: text


async def _answer(app: AppContext, update_id: int, text: str) -> Answered | Stale:
    return await answering.answer(app, (BOT, update_id), CITIZEN, answering.asking, _typed(text), "fa", raw_text=text)


async def test_a_response_is_answered_edited_and_submitted(app: AppContext) -> None:
    opened = await answering.open_survey(app, CITIZEN, "fa", code="test")
    assert opened.fresh and opened.current is not None and opened.current.question is not None
    assert opened.current.question.name == "name"
    response_id = opened.current.progress.response.id

    with pytest.raises(Refused) as back:
        await answering.navigate(app, (BOT, 1), CITIZEN, answering.asking, "back")
    assert back.value.key == "surveys.nothing_before"
    with pytest.raises(Refused) as skip:
        await answering.navigate(app, (BOT, 1), CITIZEN, answering.asking, "skip")  # the refusal released the claim
    assert skip.value.key == "surveys.cannot_skip"

    named = await _answer(app, 2, "سارا")
    assert isinstance(named, Answered) and named.invalid is None and named.after.question is not None
    assert named.after.question.name == "age"
    with pytest.raises(AlreadyProcessed):
        await _answer(app, 2, "سارا")

    stale = await answering.answer(app, (BOT, 3), CITIZEN, answering.at(response_id, 0), _typed("نرگس"), "fa")
    assert isinstance(stale, Stale) and stale.current is not None and stale.current.index == 1

    invalid = await _answer(app, 4, "چهل")
    assert isinstance(invalid, Answered) and invalid.invalid is not None
    assert invalid.after.question is not None and invalid.after.question.name == "age"
    done = await _answer(app, 5, "۴۲")
    assert isinstance(done, Answered) and done.after.question is None  # the review
    assert done.after.progress.state.answers == {"name": "سارا", "age": 42}

    assert isinstance(await answering.edit(app, (BOT, 6), CITIZEN, response_id, 5), Stale)  # no such question
    again = await answering.edit(app, (BOT, 7), CITIZEN, response_id, 0)
    assert isinstance(again, Current) and again.question is not None and again.question.name == "name"
    renamed = await _answer(app, 8, "نرگس")
    assert isinstance(renamed, Answered) and renamed.after.question is None
    assert renamed.after.progress.state.answers == {"name": "نرگس", "age": 42}

    assert isinstance(await answering.submit(app, (BOT, 9), CITIZEN, response_id + 1), Stale)
    assert isinstance(await answering.submit(app, (BOT, 10), CITIZEN, response_id), Current)
    assert await answering.where(app, CITIZEN) is None
    assert not await answering.pause(app, CITIZEN)


async def test_a_paused_response_resumes_where_it_was(app: AppContext) -> None:
    await answering.open_survey(app, CITIZEN, "fa", code="test")
    await _answer(app, 1, "سارا")
    assert await answering.pause(app, CITIZEN)
    assert await answering.where(app, CITIZEN) is None
    resumed = await answering.open_survey(app, CITIZEN, "fa", code="test")
    assert not resumed.fresh and resumed.current is not None and resumed.current.question is not None
    assert resumed.current.question.name == "age"


async def test_an_unknown_survey_or_account_is_refused(app: AppContext) -> None:
    with pytest.raises(Refused) as unknown:
        await answering.open_survey(app, CITIZEN, "fa", code="nope")
    assert unknown.value.key == "surveys.not_available"
    with pytest.raises(Refused) as stranger:
        await answering.open_survey(app, CITIZEN + 1, "fa", code="test")
    assert stranger.value.key == "surveys.no_active"
