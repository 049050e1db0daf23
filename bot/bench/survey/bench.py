"""``meydan bench survey``: N simulated citizens complete the bundled survey through the full stack.

Each citizen is a ``SimulatedUser`` talking HTTP to the emulator; the bot polls the emulator,
its handlers write to the database, and its replies go back over HTTP. At most ``concurrency``
citizens are answering at once, each acting as soon as the bot's reply arrives (no think time,
so the bot always has work queued: this measures throughput, and the latency under that load).

Figures per variant: ``answers`` (replies to survey questions the bot accepted, 16 a citizen),
``updates`` (every action, also /start, consent, the profile's district, opening the survey and
submitting it), their rates over the wall time, the latency from an action's HTTP request to the
bot's next message to that citizen, failed citizens (``errors``, with samples), errors in the
bot's log (``bot_logged_errors``, with samples), and from the database afterwards
``incomplete_responses`` and ``lost_answers`` (both must be 0). ``cpu_ms_per_update``
is the CPU time (user + system) the bot process and this one (emulator and citizens) spent per
update: unlike the rates it hardly depends on what else the machine is doing. Memory is the bot
process's peak resident set (``VmHWM``), read just before it stops.
"""

from __future__ import annotations

import asyncio
import secrets
import time
from collections.abc import Callable
from random import Random
from typing import Any

from aiohttp import ClientSession, TCPConnector
from sqlalchemy.engine import URL

from bot.bench.databases import each_stack
from bot.bench.options import BenchOptions, Figures
from bot.bench.services import delete_keys
from bot.bench.stats import cpu_ms_per_update, latency_ms, with_samples
from bot.bench.survey.citizen import Run, bundled_survey, follow, write_script
from bot.bench.survey.stack import Stack, running_stack, stack_cpu
from bot.bench.survey.verify import check
from bot.emulator import SimulatedUser
from bot.sessions import KEY_PREFIX

CITIZENS, QUICK_CITIZENS, CONCURRENCY = 200, 20, 50
FIRST_USER_ID = 7_000_000


async def _drive(stack: Stack, citizens: int, concurrency: int, progress: Callable[[int, int, str], None],
                 note: str) -> tuple[list[Run], float]:
    """Every citizen through the survey, at most ``concurrency`` at once; the runs and the wall time."""
    survey, gate, finished = bundled_survey(), asyncio.Semaphore(concurrency), 0

    async def citizen(session: ClientSession, number: int) -> Run:
        nonlocal finished
        user_id = FIRST_USER_ID + number
        script = write_script(survey, Random(user_id))
        async with gate:
            user = SimulatedUser(stack.emulator.base_url, stack.token, user_id, "شهروند", language_code="fa",
                                 session=session)
            run = await follow(user, script)
        finished += 1
        progress(finished, citizens, note)
        return run

    progress(0, citizens, note)
    async with ClientSession(connector=TCPConnector(limit=0)) as session:
        began = time.perf_counter()
        runs = await asyncio.gather(*(citizen(session, n) for n in range(citizens)))
        return list(runs), time.perf_counter() - began


async def measure(options: BenchOptions, name: str, database_url: URL, redis_url: str | None) -> Figures:
    """One variant: the stack on this database (and Redis), the citizens through it, the check after."""
    citizens = options.size or (QUICK_CITIZENS if options.quick else CITIZENS)
    concurrency = options.concurrency or CONCURRENCY
    bot_id = 600_000_000 + secrets.randbelow(10**8)  # its own Redis keys: meydan:<bot_id>:...
    url = database_url.render_as_string(hide_password=False)
    try:
        async with running_stack(f"{bot_id}:meydan-bench", url, redis_url, options.scratch / name) as stack:
            cpu_before = stack_cpu(stack)
            runs, wall = await _drive(stack, citizens, concurrency, options.progress, name)
            cpu_after = stack_cpu(stack)
    finally:
        if redis_url:
            await delete_keys(redis_url, f"{KEY_PREFIX}:{bot_id}:*")
    verified = await check(database_url, runs)
    latencies = [seconds for run in runs for seconds in run.latencies]
    answers = sum(run.answers for run in runs)
    failures = [run.error for run in runs if run.error]
    figures: dict[str, Any] = {
        "database": database_url.get_backend_name(),
        "fsm_state": "redis" if redis_url else "memory",
        "citizens": citizens,
        "concurrency": concurrency,
        "answers": answers,
        "updates": len(latencies),
        "wall_s": round(wall, 2),
        "answers_per_s": round(answers / wall, 1),
        "updates_per_s": round(len(latencies) / wall, 1),
        "latency_ms": latency_ms(latencies),
        "cpu_ms_per_update": cpu_ms_per_update(cpu_before, cpu_after, len(latencies)),
        "errors": len(failures),
        "incomplete_responses": verified.incomplete,
        "lost_answers": verified.lost,
        "bot_logged_errors": len(stack.bot_errors),
        "bot_peak_rss_mib": stack.bot_peak_rss_mib,
    }
    return with_samples(figures, failures, stack.bot_errors)


async def run(options: BenchOptions) -> Figures:
    """The ``sqlite`` variant (in-memory conversation state), then ``postgres`` (Redis state if given)."""
    return await each_stack(options, measure)
