"""Members get an agenda pushed through the outbox and vote while the bot is SIGKILLed at random moments:
every vote acknowledged is stored with the member's last choice, every agenda message arrives, and
none twice except those a kill caught between Telegram's answer and the outbox's record of it."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Hashable
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.engine import URL

from backend.config import load_settings
from backend.context import AppContext
from backend.db import create_engine
from backend.integration import problems
from backend.models import OutboxMessage, Participant, Vote, utcnow
from backend.plan import load_plan
from backend.services import invites, outbox
from backend.services.findings import record_finding
from bot.voting.agendas import open_next_agenda
from sandbox.emulator import RunningEmulator
from sandbox.emulator.users import Message, SimulatedUser
from tests.conftest import Stack
from tests.e2e.test_votes import STATEMENTS
from tests.faults.conftest import Ledger
from tests.faults.harness import (
    SECRET,
    TOKEN,
    BotProcess,
    Kills,
    answer,
    bot_process,
    database,
    expire_leases,
    while_killing,
)

BODY = "drafting_committee"
MEMBERS = 3
KILLS = 2
ITEMS = len(STATEMENTS)
PUSH_WITHIN = 120.0
CHOICES = {"approve": "موافق ✅", "abstain": "ممتنع ⚪"}


async def _seed(url: URL) -> None:
    """Five problems, raised by several sources, waiting for the drafting committee."""
    async with database(url, migrated=True) as sessions, sessions() as session, session.begin():
        for text, axis, sources in STATEMENTS:
            for source in sources:
                await record_finding(
                    session,
                    kind="problem",
                    text=text,
                    source=source,
                    axis=axis,
                    stakeholder_group="citizens",
                    severity=4,
                )
        await problems.integrate(session)


async def _member(emulator: RunningEmulator, url: URL, user_id: int) -> SimulatedUser:
    async with database(url) as sessions, sessions() as session, session.begin():
        token = await invites.create(session, SECRET.encode(), load_plan(), "member", BODY)
    user = emulator.user(TOKEN, user_id=user_id, first_name=f"عضو {user_id}", language_code="fa")
    await user.start(f"i_{token}")
    await user.wait_for_message(contains="کمیته تدوین")
    return user


async def _open_agenda(emulator: RunningEmulator, url: URL, tmp_path: Path) -> None:
    """Open the committee's agenda as the weekly job does: its messages wait in the outbox."""
    settings = load_settings(
        bot_token=TOKEN,
        api_base=emulator.base_url,
        data_dir=tmp_path / "data",
        database_url=url.render_as_string(hide_password=False),
        secret_key=SECRET,
    )
    engine = create_engine(url)
    try:
        async with database(url) as sessions, sessions() as session, session.begin():
            app = AppContext(settings=settings, plan=load_plan(), engine=engine, sessions=sessions)
            assert await open_next_agenda(session, app, BODY, now=utcnow()) is not None
    finally:
        await engine.dispose()


def _item_of(message: Message) -> int | None:
    rows = (message.get("reply_markup") or {}).get("inline_keyboard") or []
    data = [b.get("callback_data", "") for row in rows for b in row]
    return next((int(d.split(":")[1]) for d in data if d.startswith("v:")), None)


async def _agenda_items(user: SimulatedUser) -> dict[int, int]:
    """Item id → the message showing it, once every item has arrived."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + PUSH_WITHIN
    while True:
        shown = {item: m["message_id"] for m in await user.messages() if (item := _item_of(m)) is not None}
        if len(shown) == ITEMS:
            return shown
        assert loop.time() < deadline, f"the agenda did not arrive within {PUSH_WITHIN}s"
        await asyncio.sleep(0.2)


async def _vote(user: SimulatedUser, bot: BotProcess, message_id: int, choice: str) -> None:
    """Press until the bot says the vote is recorded (a press that got no answer is pressed again)."""
    while True:
        pressed = await user.press(CHOICES[choice], message_id=message_id)
        said = await answer(user, bot, pressed["callback_query"]["id"])
        if said is not None:
            assert said["text"].startswith("ثبت شد"), said
            return


async def _votes(user: SimulatedUser, bot: BotProcess, n: int, told: Counter[Hashable]) -> None:
    """Vote on every item (approve, or abstain on every other one), then change the first vote."""
    shown = await _agenda_items(user)
    final = {}
    for k, (item, message_id) in enumerate(sorted(shown.items())):
        final[item] = "abstain" if (n + k) % 2 else "approve"
        await _vote(user, bot, message_id, final[item])
    first = min(shown)
    final[first] = "approve" if final[first] == "abstain" else "abstain"
    await _vote(user, bot, shown[first], final[first])
    told.update(("vote", user.user_id, item, choice) for item, choice in final.items())
    told.update(("push", user.user_id, item) for item in shown)


async def _stored_pushes(users: list[SimulatedUser]) -> Counter[Hashable]:
    """Agenda items as the members' chats show them, a copy per message."""
    shown: Counter[Hashable] = Counter()
    for user in users:
        shown.update(("push", user.user_id, item) for m in await user.messages() if (item := _item_of(m)) is not None)
    return shown


async def _stored(url: URL, users: list[SimulatedUser]) -> Counter[Hashable]:
    kept = await _stored_pushes(users)
    async with database(url) as sessions, sessions() as session:
        rows = await session.execute(
            select(Participant.telegram_id, Vote.agenda_item_id, Vote.choice).join(Participant)
        )
        kept.update(("vote", telegram_id, item, choice) for telegram_id, item, choice in rows)
    return kept


async def test_members_vote_while_the_bot_is_killed(
    emulator: RunningEmulator, sqlite_url: URL, tmp_path: Path, ledger: Ledger
) -> None:
    """On SQLite with in-memory state: votes are claimed updates in the database, like survey answers."""
    await _seed(sqlite_url)
    caught: Counter[Hashable] = Counter()

    users: list[SimulatedUser] = []

    async def look_at_the_frozen_sender() -> None:
        """Agenda messages that arrived but are still "sending": the only ones that may arrive twice."""
        async with database(sqlite_url) as sessions, sessions() as session:
            sending = await session.execute(
                select(OutboxMessage.chat_id, OutboxMessage.dedupe_key).where(OutboxMessage.status == outbox.SENDING)
            )
            window = {("push", chat, int(key.rsplit(":", 1)[1])) for chat, key in sending if ":item:" in key}
        caught.update(window & set(await _stored_pushes(users)))

    kills = Kills(KILLS, (5, 15), frozen=look_at_the_frozen_sender, dead=lambda: expire_leases(sqlite_url))
    told: Counter[Hashable] = Counter()
    async with bot_process(emulator, Stack("sqlite-memory", sqlite_url, None), tmp_path) as bot:
        users += [await _member(emulator, sqlite_url, 75_000 + n) for n in range(MEMBERS)]
        await _open_agenda(emulator, sqlite_url, tmp_path)
        done = await while_killing(bot, ledger, kills, *(_votes(user, bot, n, told) for n, user in enumerate(users)))
    print(f"{done} kills while {MEMBERS} members got the agenda and voted; caught in the send window: {dict(caught)}")
    assert not bot.errors(), bot.errors()
    assert done == KILLS, "the members voted before the bot was killed often enough"
    ledger.settle("votes and agenda pushes", told, await _stored(sqlite_url, users), excused=caught)
