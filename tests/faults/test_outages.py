"""The database or Redis briefly unreachable: the user is asked to try again, the bot does not die,
and once they are back the conversation goes on where it was and the leader's sender sends again."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from collections import Counter
from collections.abc import AsyncIterator, Callable, Hashable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.engine import URL, make_url

from backend.models import Answer, Participant, Response
from backend.services import outbox
from bot.i18n import t
from sandbox.emulator import RunningEmulator
from sandbox.emulator.users import SimulatedUser
from tests.conftest import Stack
from tests.faults.citizens import Citizen, answer_until
from tests.faults.conftest import Ledger
from tests.faults.harness import TOKEN, BotProcess, bot_process, database, reply
from tests.faults.proxy import TcpProxy, proxy

TRY_AGAIN = t("faults.try_again", "fa")
TOLD_WITHIN = 45.0  # the busy timeout, connection timeouts and retries all run before the user is told
PUSH_WITHIN = 30.0  # a deposed leader campaigns again every few seconds
Outage = Callable[[], AbstractAsyncContextManager[None]]


async def _answer_through(
    outage: Outage,
    user: SimulatedUser,
    bot: BotProcess,
    label: str,
    then: str,
    ledger: Ledger,
    *,
    typed: str | None = None,
) -> None:
    """Press ``label`` (and send ``typed``) while ``outage`` lasts: "try again" each time; after it the
    same press is answered with ``then``."""
    async with outage():
        if typed is not None:
            await user.send(typed)
            await user.wait_for_message(contains=TRY_AGAIN, timeout=TOLD_WITHIN)
        pressed = await user.press(label)
        told = await user.wait_for_answer(pressed["callback_query"]["id"], timeout=TOLD_WITHIN)
        assert (told["text"], told["show_alert"]) == (TRY_AGAIN, True), told
        assert bot.exited() is None, bot.last_lines(20)
    message_id = pressed["callback_query"]["message"]["message_id"]
    for _ in range(5):  # the user tries again, as asked, until the bot has recovered
        await user.press(label, message_id=message_id)
        if await reply(user, bot, contains=then) is not None:
            ledger.outage()
            return
    raise AssertionError(f"no answer to {label!r} after the outage: {bot.last_lines(10)}")


async def _pushed_after(url: URL, user: SimulatedUser, tag: str) -> None:
    """A push enqueued after the outages arrives: the leader's sender lives on."""
    async with database(url) as sessions, sessions() as session, session.begin():
        await outbox.enqueue_many(session, [outbox.Outgoing(tag, user.user_id, "sendMessage", {"text": tag})])
    await user.wait_for_message(contains=tag, timeout=PUSH_WITHIN)


async def _settle(
    ledger: Ledger, url: URL, citizen: Citizen, answers: dict[str, Any], push: str, user: SimulatedUser
) -> None:
    """The answers acknowledged through the outages and the push after them are stored, once."""
    acknowledged: Counter[Hashable] = Counter({("answer", name, str(value)) for name, value in answers.items()})
    acknowledged[("push", push)] += 1
    async with database(url) as sessions, sessions() as session:
        rows = await session.execute(
            select(Answer.question, Answer.value)
            .join(Response)
            .join(Participant)
            .where(Participant.telegram_id == citizen.user_id)
        )
        stored: Counter[Hashable] = Counter(("answer", question, str(value)) for question, value in rows)
    stored.update(("push", m.get("text")) for m in await user.messages() if m.get("text") == push)
    ledger.settle("answers and push after outages", acknowledged, stored)


@asynccontextmanager
async def _sqlite_locked(path: Path) -> AsyncIterator[None]:
    """Another connection's write lock on the SQLite file (WAL: readers go on, writers wait), held past
    the bot's busy timeout."""
    locked, release = threading.Event(), threading.Event()

    def hold() -> None:
        connection = sqlite3.connect(path, timeout=30, isolation_level=None, check_same_thread=False)
        try:
            connection.execute("BEGIN IMMEDIATE")
            locked.set()
            release.wait(120)
            connection.execute("ROLLBACK")
        finally:
            connection.close()

    holder = threading.Thread(target=hold)
    holder.start()
    await asyncio.to_thread(locked.wait, 10)
    try:
        yield
    finally:
        release.set()
        await asyncio.to_thread(holder.join)


async def test_a_locked_sqlite_file_is_answered_with_try_again(
    emulator: RunningEmulator, sqlite_url: URL, tmp_path: Path, ledger: Ledger
) -> None:
    citizen = Citizen(1, 74_001)
    user = emulator.user(TOKEN, citizen.user_id, "شهروند", language_code="fa")
    async with bot_process(emulator, Stack("sqlite-memory", sqlite_url, None), tmp_path) as bot:
        await answer_until(user, bot, citizen, "سن شما")
        assert sqlite_url.database is not None
        await _answer_through(
            lambda: _sqlite_locked(Path(sqlite_url.database)), user, bot, citizen.age[0], "ترتیب اهمیت", ledger
        )
        await _pushed_after(sqlite_url, user, "faults: after the lock")
    assert not bot.errors(), bot.errors()
    answers = {name: citizen.stored()[name] for name in ("district", "age_band")}
    await _settle(ledger, sqlite_url, citizen, answers, "faults: after the lock", user)


@pytest.mark.postgres
@pytest.mark.redis
async def test_postgres_and_redis_cut_off_are_answered_with_try_again(
    emulator: RunningEmulator, postgres_url: URL, redis_url: str, tmp_path: Path, ledger: Ledger
) -> None:
    """Both reached through proxies that drop every connection and refuse new ones for a while."""
    citizen = Citizen(1, 74_002)
    user = emulator.user(TOKEN, citizen.user_id, "شهروند", language_code="fa")
    redis_target = make_url(redis_url)
    async with (
        proxy(postgres_url.host or "127.0.0.1", postgres_url.port or 5432) as pg,
        proxy(redis_target.host or "127.0.0.1", redis_target.port or 6379) as rd,
    ):
        db_through = postgres_url.set(host="127.0.0.1", port=pg.port)
        redis_through = redis_target.set(host="127.0.0.1", port=rd.port).render_as_string(hide_password=False)
        stack = Stack("postgres-redis", postgres_url, redis_url)
        async with bot_process(
            emulator,
            stack,
            tmp_path,
            database_url=db_through.render_as_string(hide_password=False),
            redis_url=redis_through,
        ) as bot:
            await answer_until(user, bot, citizen, "سن شما")
            await _answer_through(_cut(rd), user, bot, citizen.age[0], "ترتیب اهمیت", ledger, typed="/help")
            await _pushed_after(postgres_url, user, "faults: after Redis")
            await _answer_through(_cut(pg), user, bot, citizen.ranking[0][0], "گزینه شماره ۲", ledger, typed="/surveys")
            await _pushed_after(postgres_url, user, "faults: after PostgreSQL")
    assert not bot.errors(), bot.errors()
    answers = {name: citizen.stored()[name] for name in ("district", "age_band")}
    await _settle(
        ledger,
        postgres_url,
        citizen,
        answers | {"axes_priority": [citizen.ranking[0][1]]},
        "faults: after PostgreSQL",
        user,
    )


def _cut(through: TcpProxy) -> Outage:
    @asynccontextmanager
    async def cut() -> AsyncIterator[None]:
        await through.cut()
        try:
            yield
        finally:
            await through.restore()

    return cut
