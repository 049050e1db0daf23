"""``meydan bench load``: 1,000 simulated users for a bounded time, some of them flooding.

The stack is the survey benchmark's (``sandbox.bench.survey``): the emulator in this process, the bot
as ``meydan run`` in its own, with its shipped settings (throttling included). Most users are
citizens following the bundled survey's script at a human pace: each pauses between actions (so that
together they offer ``CITIZEN_RATE`` actions a second) and waits for the bot's reply before going on.
The others (``FLOODER_SHARE``) flood: text messages at ``FLOOD_RATE`` a second each, never waiting,
each starting at a random moment of the first half. After ``DURATION`` seconds nobody starts
anything new; replies still due get ``GRACE`` seconds.

Figures per variant: the users; ``citizen_actions`` and ``flood_messages`` sent and their rates;
``updates_per_s``, every update the bot took in over the run, until its queue was empty again
(``drain_s`` after the end); the citizens' ``latency_ms`` (action to the bot's next message) and
``unanswered`` (citizens whose action got no reply within ``REPLY_TIMEOUT``: 0 unless the bot fell
over); the flooders' ``slow_down_notices`` (one per pause each), ``flood_answered``
(messages within their limit, handled as usual) and ``flood_ignored``; from the database afterwards,
``answers_checked`` (survey answers the bot acknowledged) and ``lost_answers`` (not stored as given:
must be 0), ``missing_participants`` (consent acknowledged but no participant: must be 0); errors
in the bot's log; the bot's CPU per update and peak memory.
"""

from __future__ import annotations

import asyncio
import secrets
from collections import defaultdict
from dataclasses import dataclass, field
from random import Random
from typing import Any

from aiohttp import ClientSession, TCPConnector
from sqlalchemy import select
from sqlalchemy.engine import URL

from backend.config import Settings
from backend.db import create_engine, session_factory
from backend.models import Answer, Participant, Response
from backend.surveys.model import QuestionType, SurveyDefinition
from bot.i18n import t
from bot.sessions import KEY_PREFIX
from sandbox.bench.databases import each_stack
from sandbox.bench.options import BenchOptions, Figures
from sandbox.bench.services import delete_keys
from sandbox.bench.stats import cpu_seconds, latency_ms, with_samples
from sandbox.bench.survey.citizen import LANG, Run, Script, bundled_survey, follow, write_script
from sandbox.bench.survey.stack import Stack, running_stack
from sandbox.bench.survey.verify import lost as lost_answers
from sandbox.emulator import SimulatedUser

USERS, QUICK_USERS = 1000, 40
FLOODER_SHARE = 0.01
DURATION, QUICK_DURATION = 180.0, 20.0  # seconds of load
CITIZEN_RATE, QUICK_CITIZEN_RATE = 25.0, 8.0  # actions a second, all citizens together
FLOOD_RATE = 10.0  # messages a second, each flooder (a script, not a thumb)
GRACE = 60.0  # seconds for replies still due after the end
REPLY_TIMEOUT = 60.0
FIRST_USER_ID = 8_000_000
FLOOD_TEXTS = ("سلام", "؟؟؟", "جواب بده", "hello", "!!!")
CONSENT_STEP = 2  # /start, then the consent button: the participant exists once it is acknowledged


@dataclass
class Citizen:
    """What one paced citizen did: its script, steps the bot acknowledged, latencies, any error."""

    user_id: int
    script: Script
    acknowledged: int = 0
    latencies: list[float] = field(default_factory=list)
    error: str | None = None


@dataclass
class Flooder:
    """What one flooder sent, and what the bot sent back."""

    user_id: int
    sent: int = 0
    notices: int = 0
    answered: int = 0


def _next_prompt(script: Script, index: int) -> Any:
    return script.steps[index + 1].prompt if index + 1 < len(script.steps) else script.done


async def _citizen(user: SimulatedUser, script: Script, rng: Random, think: float, deadline: float) -> Citizen:
    """Act step by step, a pause around ``think`` seconds before each, until the script or the time ends."""
    loop, citizen = asyncio.get_running_loop(), Citizen(user.user_id, script)
    pause = rng.uniform(0, think)
    for index, step in enumerate(script.steps):
        if loop.time() + pause >= deadline:
            break
        await asyncio.sleep(pause)
        one: Run = await follow(user, Script([step], _next_prompt(script, index), {}), timeout=REPLY_TIMEOUT)
        citizen.latencies += one.latencies
        if one.error:
            citizen.error = f"step {index + 1}: {one.error}"
            break
        citizen.acknowledged += 1
        pause = think * rng.uniform(0.5, 1.5)
    return citizen


async def _flooder(user: SimulatedUser, rng: Random, start: float, deadline: float) -> Flooder:
    """Send texts at ``FLOOD_RATE`` a second from ``start`` to ``deadline``, never waiting for the bot."""
    loop, flooder = asyncio.get_running_loop(), Flooder(user.user_id)
    await asyncio.sleep(max(start - loop.time(), 0))
    while (now := loop.time()) < deadline:
        await user.send(rng.choice(FLOOD_TEXTS))
        flooder.sent += 1
        await asyncio.sleep(max(1 / FLOOD_RATE - (loop.time() - now), 0))
    return flooder


async def _replies(user: SimulatedUser, flooder: Flooder, notice: str) -> None:
    said = [message.get("text") for message in await user.messages()]
    flooder.notices = said.count(notice)
    flooder.answered = len(said) - flooder.notices


def _steps(question_type: QuestionType, axes: int) -> int:
    """How many actions the scripted citizen takes to answer a question of this type."""
    if question_type is QuestionType.NOTE:
        return 0
    if question_type is QuestionType.AXES_RANK:
        return axes - 1  # the last place fills itself
    return 2 if question_type is QuestionType.PROBLEM else 1  # a problem: its text, then its axis


def answered_questions(definition: SurveyDefinition, axes: int, script: Script, acknowledged: int) -> list[str]:
    """The questions the citizen answered completely within its first ``acknowledged`` steps."""
    answers = sum(step.answer for step in script.steps[:acknowledged])
    done: list[str] = []
    for question in definition.questions:
        answers -= _steps(question.type, axes)
        if answers < 0:
            break
        if question.type is not QuestionType.NOTE:
            done.append(question.name)
    return done


@dataclass(frozen=True)
class Check:
    """``answers``: survey answers acknowledged; ``lost``: those not stored as given; ``missing``:
    citizens whose consent was acknowledged without a participant in the database."""

    answers: int
    lost: int
    missing: int


async def check(database_url: URL, citizens: list[Citizen]) -> Check:
    """Compare what the bot acknowledged with the participants, responses and answers in the database."""
    view = bundled_survey()
    engine = create_engine(database_url)
    try:
        async with session_factory(engine)() as session:
            ids = [c.user_id for c in citizens]
            people = dict(
                (
                    await session.execute(
                        select(Participant.telegram_id, Participant.id).where(Participant.telegram_id.in_(ids))
                    )
                ).all()
            )
            stored: dict[int, dict[str, Answer]] = defaultdict(dict)
            for answer, participant in await session.execute(
                select(Answer, Response.participant_id)
                .join(Response, Answer.response_id == Response.id)
                .where(Response.participant_id.in_(people.values()))
            ):
                stored[participant][answer.question] = answer
    finally:
        await engine.dispose()
    answers = lost = missing = 0
    for citizen in citizens:
        missing += citizen.acknowledged >= CONSENT_STEP and citizen.user_id not in people
        done = answered_questions(view.definition, len(view.plan.axes), citizen.script, citizen.acknowledged)
        answers += len(done)
        expected = {name: citizen.script.expected[name] for name in done}
        lost += lost_answers(expected, stored.get(people.get(citizen.user_id, -1), {}))
    return Check(answers, lost, missing)


async def _drained(stack: Stack, limit: float) -> float:
    """Seconds until the bot has taken every update from the emulator's queue (at most ``limit``)."""
    queue, loop = stack.emulator.bot(stack.token).updates, asyncio.get_running_loop()
    began = loop.time()
    while len(queue) and loop.time() - began < limit:
        await asyncio.sleep(0.05)
    return loop.time() - began


def _sizes(options: BenchOptions) -> tuple[int, int, float, float]:
    """Users, flooders among them, seconds of load and the citizens' offered rate."""
    users = options.size or (QUICK_USERS if options.quick else USERS)
    flooders = max(1, round(users * FLOODER_SHARE)) if users > 1 else 0
    return (
        users,
        flooders,
        QUICK_DURATION if options.quick else DURATION,
        QUICK_CITIZEN_RATE if options.quick else CITIZEN_RATE,
    )


async def _drive(stack: Stack, options: BenchOptions, note: str) -> tuple[list[Citizen], list[Flooder], float, float]:
    """Everyone through the run; the citizens, the flooders, the seconds of load and of draining after."""
    users, flooders, duration, rate = _sizes(options)
    view, think = bundled_survey(), (users - flooders) / rate
    loop = asyncio.get_running_loop()
    began = loop.time()
    deadline = began + duration

    async def tick() -> None:
        while (elapsed := loop.time() - began) < duration:
            options.progress(int(elapsed), int(duration), note)
            await asyncio.sleep(1)

    async with ClientSession(connector=TCPConnector(limit=0)) as session:

        def user(user_id: int) -> SimulatedUser:
            return SimulatedUser(
                stack.emulator.base_url, stack.token, user_id, "کاربر", language_code=LANG, session=session
            )

        rngs = {FIRST_USER_ID + n: Random(FIRST_USER_ID + n) for n in range(users)}
        ids = list(rngs)
        ticking = asyncio.create_task(tick())
        flooding = [
            asyncio.create_task(_flooder(user(i), rngs[i], began + rngs[i].uniform(0, duration / 2), deadline))
            for i in ids[:flooders]
        ]
        pacing = [
            asyncio.create_task(_citizen(user(i), write_script(view, rngs[i]), rngs[i], think, deadline))
            for i in ids[flooders:]
        ]
        flooded = await asyncio.gather(*flooding)
        paced = await asyncio.wait_for(asyncio.gather(*pacing), 2 * think + 2 * REPLY_TIMEOUT + GRACE)
        ticking.cancel()
        drain_s = max(loop.time() - deadline, 0.0) + await _drained(stack, GRACE)
        notice = t("limits.slow_down", LANG, seconds=Settings.model_fields["throttle_pause"].default)
        await asyncio.gather(*(_replies(user(f.user_id), f, notice) for f in flooded))
    return list(paced), list(flooded), duration, drain_s


async def measure(options: BenchOptions, name: str, database_url: URL, redis_url: str | None) -> Figures:
    """One variant: the stack on this database (and Redis), the users through it, the check after."""
    bot_id = 600_000_000 + secrets.randbelow(10**8)  # its own Redis keys: meydan:<bot_id>:...
    url = database_url.render_as_string(hide_password=False)
    try:
        async with running_stack(f"{bot_id}:meydan-bench", url, redis_url, options.scratch / name) as stack:
            cpu_before = cpu_seconds(stack.bot_pid)
            citizens, flooders, duration, drain_s = await _drive(stack, options, name)
            cpu_after = cpu_seconds(stack.bot_pid)
    finally:
        if redis_url:
            await delete_keys(redis_url, f"{KEY_PREFIX}:{bot_id}:*")
    verified = await check(database_url, citizens)
    latencies = [seconds for citizen in citizens for seconds in citizen.latencies]
    actions, flooded = len(latencies), sum(f.sent for f in flooders)
    failures = [c.error for c in citizens if c.error]
    wall = duration + drain_s
    figures: dict[str, Any] = {
        "database": database_url.get_backend_name(),
        "fsm_state": "redis" if redis_url else "memory",
        "users": len(citizens) + len(flooders),
        "flooders": len(flooders),
        "duration_s": duration,
        "throttle": {name: Settings.model_fields[f"throttle_{name}"].default for name in ("limit", "window", "pause")},
        "citizen_actions": actions,
        "citizen_actions_per_s": round(actions / duration, 1),
        "flood_messages": flooded,
        "flood_messages_per_s": round(flooded / duration, 1),
        "updates_per_s": round((actions + flooded) / wall, 1),
        "drain_s": round(drain_s, 2),
        "latency_ms": latency_ms(latencies),
        "unanswered": len(failures),
        "slow_down_notices": sum(f.notices for f in flooders),
        "flood_answered": sum(f.answered for f in flooders),
        "flood_ignored": flooded - sum(f.answered for f in flooders),
        "answers_checked": verified.answers,
        "lost_answers": verified.lost,
        "missing_participants": verified.missing,
        "bot_logged_errors": len(stack.bot_errors),
        "bot_cpu_ms_per_update": None
        if cpu_before is None or cpu_after is None
        else round((cpu_after - cpu_before) * 1000 / max(actions + flooded, 1), 2),
        "bot_peak_rss_mib": stack.bot_peak_rss_mib,
    }
    return with_samples(figures, failures, stack.bot_errors)


async def run(options: BenchOptions) -> Figures:
    """The ``sqlite`` variant (in-memory state and counters), then ``postgres`` (Redis if given)."""
    return await each_stack(options, measure)
