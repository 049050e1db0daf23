"""``meydan outbox status`` and ``retry-failed`` on a real database."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy.engine import URL
from typer.testing import CliRunner

from backend import migrate
from backend.db import create_engine, session_factory
from backend.models import utcnow
from backend.services import outbox
from bot.cli import app


async def _one_failed_message(url: URL) -> None:
    engine = create_engine(url)
    await migrate.upgrade(engine)
    async with session_factory(engine)() as session, session.begin():
        await outbox.enqueue(session, key="agenda:7", chat_id=1, method="sendMessage", payload={"text": "x"})
        (message,) = await outbox.claim_batch(session, 10, utcnow())
        await outbox.mark_failed(session, message, "Bad Request: chat not found")
    await engine.dispose()


def test_status_shows_failures_and_retry_failed_queues_them_again(
    sqlite_url: URL, monkeypatch: pytest.MonkeyPatch
) -> None:
    asyncio.run(_one_failed_message(sqlite_url))
    monkeypatch.setenv("MEYDAN_DATABASE_URL", sqlite_url.render_as_string(hide_password=False))
    runner = CliRunner()
    status = runner.invoke(app, ["outbox", "status"])
    assert status.exit_code == 0, status.output
    assert "agenda:7" in status.output and "chat not found" in status.output
    retried = runner.invoke(app, ["outbox", "retry-failed"])
    assert retried.exit_code == 0 and "1 failed messages queued again" in retried.output
    assert "oldest unsent message queued" in runner.invoke(app, ["outbox", "status"]).output
