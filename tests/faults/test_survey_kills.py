"""Citizens answer the survey while the bot is SIGKILLed at random moments: every answer they were
shown as taken is stored once, every submitted response once, every problem once as a finding."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Hashable
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.engine import URL

from backend.config import load_settings
from backend.models import Answer, Finding, Participant, Response
from bot.runner import running_bot
from sandbox.emulator import RunningEmulator
from tests.conftest import Stack
from tests.e2e.citizens import SURVEY, join
from tests.faults.citizens import Citizen, answer_survey
from tests.faults.conftest import Ledger
from tests.faults.harness import SECRET, TOKEN, Kills, bot_process, database, while_killing

CITIZENS = 4
KILLS = 3


def _item(*parts: object) -> tuple[str, ...]:
    return tuple(json.dumps(part, ensure_ascii=False, sort_keys=True) for part in parts)


def _acknowledged(citizens: list[Citizen]) -> Counter[Hashable]:
    """What each citizen was told is kept: every answer, the submitted response, the problem as a finding."""
    told: Counter[Hashable] = Counter()
    for citizen in citizens:
        told.update(_item("answer", citizen.user_id, name, value) for name, value in citizen.stored().items())
        told[_item("response", citizen.user_id, "completed")] += 1
        told[_item("finding", citizen.user_id, citizen.problem)] += 1
    return told


async def _stored(url: URL) -> Counter[Hashable]:
    kept: Counter[Hashable] = Counter()
    async with database(url) as sessions, sessions() as session:
        owner = Participant.telegram_id
        for telegram_id, question, value in await session.execute(
            select(owner, Answer.question, Answer.value)
            .join(Response, Answer.response_id == Response.id)
            .join(Participant, Response.participant_id == Participant.id)
        ):
            kept[_item("answer", telegram_id, question, value)] += 1
        for telegram_id, status in await session.execute(select(owner, Response.status).join(Participant)):
            kept[_item("response", telegram_id, status)] += 1
        for telegram_id, text in await session.execute(
            select(owner, Finding.text).join(Participant, Finding.participant_id == Participant.id)
        ):
            kept[_item("finding", telegram_id, text)] += 1
    return kept


async def test_citizens_answer_while_the_bot_is_killed(
    emulator: RunningEmulator, stack: Stack, tmp_path: Path, ledger: Ledger
) -> None:
    citizens = [Citizen(n, 71_000 + n) for n in range(CITIZENS)]
    users = [emulator.user(TOKEN, c.user_id, f"شهروند {c.n}", language_code="fa") for c in citizens]
    async with bot_process(emulator, stack, tmp_path) as bot:
        answering = [answer_survey(user, bot, citizen) for user, citizen in zip(users, citizens, strict=True)]
        kills = await while_killing(bot, ledger, Kills(KILLS, (8, 35)), *answering)
        assert bot.exited() is None, bot.last_lines(20)
    print(f"{kills} kills while {CITIZENS} citizens answered")
    assert not bot.errors(), bot.errors()
    assert kills == KILLS, "the citizens finished before the bot was killed often enough"
    ledger.settle("survey", _acknowledged(citizens), await _stored(stack.database_url))


async def test_a_rank_button_pressed_again_ranks_nothing_else(
    emulator: RunningEmulator, sqlite_url: URL, tmp_path: Path
) -> None:
    """What a citizen does when a kill took the next question after the pick was stored: the same button.
    (The bot runs in this process: nothing is killed here, only the press repeated.)"""
    settings = load_settings(
        bot_token=TOKEN,
        api_base=emulator.base_url,
        data_dir=tmp_path / "data",
        database_url=sqlite_url.render_as_string(hide_password=False),
        secret_key=SECRET,
    )
    citizen = Citizen(0, 71_100)
    user = emulator.user(TOKEN, citizen.user_id, "شهروند", language_code="fa")
    async with running_bot(settings):
        await join(user, citizen.district[0])
        await user.press(SURVEY)
        for fragment, label in (("در کدام منطقهٔ شهرداری", citizen.district[0]), ("سن شما", citizen.age[0])):
            await user.wait_for_message(contains=fragment)
            await user.press(label)
        ranking = await user.wait_for_message(contains="ترتیب اهمیت")
        first = citizen.ranking[0][0]
        await user.press(first, message_id=ranking["message_id"])
        await user.wait_for_message(contains="گزینه شماره ۲")
        await user.press(first, message_id=ranking["message_id"])  # no answer seen: the same button again
        await user.wait_for_answer()
    kept = await _stored(sqlite_url)
    assert _item("answer", citizen.user_id, "axes_priority", [citizen.ranking[0][1]]) in kept
