"""Facilitators log their meetings' notes while the bot is SIGKILLed at random moments: every note
acknowledged is stored, and once, unless a kill swallowed its acknowledgement and it was sent again."""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.engine import URL

from backend.models import Meeting, Note, Participant
from backend.plan import load_plan
from backend.services import invites
from sandbox.emulator import RunningEmulator
from sandbox.emulator.users import SimulatedUser
from tests.conftest import Stack
from tests.e2e.test_meetings import set_up
from tests.faults.conftest import Ledger
from tests.faults.harness import SECRET, TOKEN, BotProcess, Kills, bot_process, database, reply, while_killing

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


async def _log_notes(user: SimulatedUser, bot: BotProcess, notes: list[str], acknowledged: Counter[Hashable],
                     resent: Counter[Hashable]) -> None:
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
            select(Participant.telegram_id, Note.text).join(Meeting, Note.meeting_id == Meeting.id)
            .join(Participant, Meeting.facilitator_id == Participant.id).where(Note.deleted_at.is_(None)))
        return Counter((telegram_id, text) for telegram_id, text in rows)


async def test_facilitators_log_notes_while_the_bot_is_killed(emulator: RunningEmulator, sqlite_url: URL,
                                                              tmp_path: Path, ledger: Ledger) -> None:
    """On SQLite with in-memory state: a meeting's setup and notes live in the database, not the state."""
    acknowledged: Counter[Hashable] = Counter()
    resent: Counter[Hashable] = Counter()
    async with bot_process(emulator, Stack("sqlite-memory", sqlite_url, None), tmp_path) as bot:
        users = [await _facilitator(emulator, sqlite_url, 73_000 + n) for n in range(FACILITATORS)]
        notes = [[f"یادداشت {n}-{k}: گفت‌وگو دربارهٔ پارکینگ بازار" for k in range(NOTES)] for n in range(FACILITATORS)]
        kills = await while_killing(bot, ledger, Kills(KILLS, (10, 45)),
                                    *(_log_notes(user, bot, texts, acknowledged, resent)
                                      for user, texts in zip(users, notes, strict=True)))
    print(f"{kills} kills while {FACILITATORS} facilitators logged {NOTES} notes each; re-sent {dict(resent)}")
    assert not bot.errors(), bot.errors()
    assert kills == KILLS, "the notes were logged before the bot was killed often enough"
    ledger.settle("meeting notes", acknowledged, await _stored(sqlite_url), excused=resent)
