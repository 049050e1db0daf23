"""Facilitators log their meetings' notes while the bot is SIGKILLed at random moments: every note
acknowledged is stored, and once, unless a kill swallowed its acknowledgement and it was sent again.
A kill between closing a meeting and sending its minutes: the minutes reach the facilitator once."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Hashable
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.engine import URL

from backend.models import Meeting, Note, OutboxMessage, Participant
from backend.plan import load_plan
from backend.services import invites, outbox
from bot.i18n import t
from sandbox.emulator import RunningEmulator
from sandbox.emulator.users import SimulatedUser
from tests.conftest import Stack
from tests.e2e.test_meetings import set_up
from tests.faults.conftest import Ledger
from tests.faults.harness import (
    GRACE,
    SECRET,
    TOKEN,
    BotProcess,
    Kills,
    answer,
    bot_process,
    database,
    reply,
    while_killing,
)

FACILITATORS = 2
NOTES = 30
KILLS = 2
NOTED = "یادداشت ثبت شد"


async def _facilitator(emulator: RunningEmulator, url: URL, user_id: int) -> SimulatedUser:
    """A user who opened a facilitator invite of hq.transport and set up an elite interview."""
    async with database(url) as sessions, sessions() as session, session.begin():
        token = await invites.create(session, SECRET.encode(), load_plan(), "facilitator", "hq.transport")
    user = emulator.user(TOKEN, user_id=user_id, first_name=f"تسهیل‌گر {user_id}", language_code="fa")
    await user.start(f"i_{token}")
    await user.wait_for_message(contains="تسهیل‌گر")
    await set_up(user)
    return user


async def _log_notes(
    user: SimulatedUser, bot: BotProcess, notes: list[str], acknowledged: Counter[Hashable], resent: Counter[Hashable]
) -> None:
    """Send each note and wait for its acknowledgement; with none, send it again, as people do."""
    for note in notes:
        starts = bot.starts
        await user.send(note)
        while await reply(user, bot, contains=NOTED) is None:
            if bot.starts != starts:  # a kill came between: it may have taken the acknowledgement only
                resent[(user.user_id, note)] += 1
            starts = bot.starts
            await user.send(note)
        acknowledged[(user.user_id, note)] += 1


async def _stored(url: URL) -> Counter[Hashable]:
    async with database(url) as sessions, sessions() as session:
        rows = await session.execute(
            select(Participant.telegram_id, Note.text)
            .join(Meeting, Note.meeting_id == Meeting.id)
            .join(Participant, Meeting.facilitator_id == Participant.id)
            .where(Note.deleted_at.is_(None))
        )
        return Counter((telegram_id, text) for telegram_id, text in rows)


async def test_facilitators_log_notes_while_the_bot_is_killed(
    emulator: RunningEmulator, sqlite_url: URL, tmp_path: Path, ledger: Ledger
) -> None:
    """On SQLite with in-memory state: a meeting's setup and notes live in the database, not the state."""
    acknowledged: Counter[Hashable] = Counter()
    resent: Counter[Hashable] = Counter()
    async with bot_process(emulator, Stack("sqlite-memory", sqlite_url, None), tmp_path) as bot:
        users = [await _facilitator(emulator, sqlite_url, 73_000 + n) for n in range(FACILITATORS)]
        notes = [[f"یادداشت {n}-{k}: گفت‌وگو دربارهٔ پارکینگ بازار" for k in range(NOTES)] for n in range(FACILITATORS)]
        kills = await while_killing(
            bot,
            ledger,
            Kills(KILLS, (10, 45)),
            *(_log_notes(user, bot, texts, acknowledged, resent) for user, texts in zip(users, notes, strict=True)),
        )
    print(f"{kills} kills while {FACILITATORS} facilitators logged {NOTES} notes each; re-sent {dict(resent)}")
    assert not bot.errors(), bot.errors()
    assert kills == KILLS, "the notes were logged before the bot was killed often enough"
    ledger.settle("meeting notes", acknowledged, await _stored(sqlite_url), excused=resent)


def _is_minutes(message: dict) -> bool:  # type: ignore[type-arg]
    return message.get("document", {}).get("file_name", "").startswith("minutes-")


async def test_the_minutes_reach_the_facilitator_once_across_a_kill(
    emulator: RunningEmulator, sqlite_url: URL, tmp_path: Path, ledger: Ledger
) -> None:
    """The bot that closes the meeting has no outbox sender (``--no-scheduler``), so the kill falls after
    the close was committed and before the minutes were sent; the next bot sends them, once, and a
    second press on "close" (the facilitator acting again) sends nothing more."""
    stack = Stack("sqlite-memory", sqlite_url, None)
    async with bot_process(emulator, stack, tmp_path, options=("--no-scheduler",)) as bot:
        user = await _facilitator(emulator, sqlite_url, 73_100)
        await user.send("یادداشت پیش از پایان")
        await user.wait_for_message(contains=NOTED)
        await user.send("/close")
        summary = await user.wait_for_message(contains="پایان جلسه شماره")
        close = next(
            b["callback_data"]
            for row in summary["reply_markup"]["inline_keyboard"]
            for b in row
            if b["text"].startswith("پایان")
        )
        await user.press(data=close)
        await user.wait_for_message(contains="بسته شد")
        async with database(sqlite_url) as sessions, sessions() as session:
            queued = await session.scalar(select(OutboxMessage.status).where(OutboxMessage.dedupe_key == "minutes:1"))
        assert queued == outbox.PENDING and not [m for m in await user.messages() if _is_minutes(m)]

        await bot.kill()
        ledger.killed()
        bot.options = ()
        await bot.start()
        await user.wait_for_message(predicate=_is_minutes, timeout=30)
        again = await user.press(data=close, message_id=summary["message_id"], force=True)  # acting again
        refused = await answer(user, bot, again["callback_query"]["id"])
        assert refused is not None and refused["text"] == t("meetings.none_open", "fa")
        await asyncio.sleep(GRACE)  # time for a second copy, were there one
        minutes = [m for m in await user.messages() if _is_minutes(m)]
    assert not bot.errors(), bot.errors()
    ledger.settle("minutes", Counter({"minutes-1.html": 1}), Counter(m["document"]["file_name"] for m in minutes))
    async with database(sqlite_url) as sessions, sessions() as session:
        assert await session.scalar(select(Meeting.status)) == "closed"
