"""``meydan bench survey``: N simulated citizens complete the bundled survey through the full stack.

Each citizen is a ``LocalUser`` acting on the emulator's state in this process; the bot polls the
emulator over HTTP, its handlers write to the database, and its replies go back over HTTP. Citizens
talking HTTP to the emulator beside them (``SimulatedUser``) cost this process 5.7-7.0 ms of CPU per
update, in-process ones 3.5-4.7 ms (SQLite, 20 and 100 citizens, 2 shared cores): CPU the bot no
longer competes with for the machine. At most ``concurrency`` citizens are answering at once.

Two ways to drive it. By default each citizen acts as soon as the bot's reply arrives (no think
time, so the bot always has work queued): this measures throughput, and the latency then is mostly
queueing (by Little's law 50 citizens at 300 answers/s wait at least 127 ms per step). With
``--rate R`` the citizens pause between actions (exponential pauses, as from many people acting
independently) so that together they offer R answers a second: this measures the latency a
citizen sees at that load, and whether the bot keeps up (``steady_answers_per_s``, the median
answers a second while all ``concurrency`` citizens are answering, against ``offered_answers_per_s``).
``meydan bench floor`` runs the same citizens against a bot that only replies: the ceiling this machine sets.

Figures per variant: ``answers`` (replies to survey questions the bot accepted, 16 a citizen),
``updates`` (every action, also /start, consent, the profile's district, opening the survey and
submitting it), their rates over the wall time, the latency from an action to the bot's next
message to that citizen, failed citizens (``errors``, with samples), errors in the bot's log
(``bot_logged_errors``, with samples), and from the database afterwards
``incomplete_responses`` and ``lost_answers`` (both must be 0). ``cpu_ms_per_update``
is the CPU time (user + system) the bot process and this one (emulator and citizens) spent per
update: unlike the rates it hardly depends on what else the machine is doing. Memory is the bot
process's peak resident set (``VmHWM``), read just before it stops.
"""

from __future__ import annotations

import asyncio
import secrets
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from random import Random

from sqlalchemy.engine import URL

from bot.sessions import KEY_PREFIX
from sandbox.bench.databases import each_stack
from sandbox.bench.options import BenchOptions, Figures, skipped
from sandbox.bench.services import delete_keys
from sandbox.bench.stats import cpu_ms_per_update, latency_ms, steady_rate, with_samples
from sandbox.bench.survey.citizen import Pause, Run, Script, bundled_survey, follow, no_pause, write_script
from sandbox.bench.survey.stack import Stack, running_stack, stack_cpu
from sandbox.bench.survey.verify import check
from sandbox.emulator.users import UserConversation

CITIZENS, QUICK_CITIZENS, CONCURRENCY = 200, 20, 50
FIRST_USER_ID = 7_000_000


@dataclass(frozen=True)
class Drive:
    """The citizens' runs, how many ran at once, the wall time and the CPU per update (bot, harness)."""

    runs: list[Run]
    concurrency: int
    wall: float
    cpu_ms_per_update: dict[str, float | None]


Play = Callable[[UserConversation, Script, Pause], Awaitable[Run]]  # one citizen's way through the stack


def survey_play(user: UserConversation, script: Script, pause: Pause) -> Awaitable[Run]:
    """A citizen following the survey script, each step checked against what the bot shows."""
    return follow(user, script, pause=pause)


def pacing(options: BenchOptions, concurrency: int, script: Script, rng: Random) -> Pause:
    """No pause without ``options.rate``; with it, random pauses (exponential, so actions arrive as from
    many independent people) long enough for ``concurrency`` citizens to offer ``rate`` answers a second."""
    if not options.rate:
        return no_pause
    answers_per_step = sum(step.answer for step in script.steps) / len(script.steps)
    mean = concurrency * answers_per_step / options.rate
    return lambda: rng.expovariate(1 / mean)


async def drive(stack: Stack, options: BenchOptions, note: str, play: Play) -> Drive:
    """Every citizen through the stack, at most ``concurrency`` at once, paced to ``options.rate``."""
    citizens = options.size or (QUICK_CITIZENS if options.quick else CITIZENS)
    concurrency = options.concurrency or CONCURRENCY
    survey, gate, finished = bundled_survey(), asyncio.Semaphore(concurrency), 0

    async def citizen(number: int) -> Run:
        nonlocal finished
        user_id = FIRST_USER_ID + number
        rng = Random(user_id)
        script = write_script(survey, rng)
        async with gate:
            user = stack.emulator.local_user(stack.token, user_id, "شهروند", language_code="fa")
            began = time.perf_counter()
            run = await play(user, script, pacing(options, concurrency, script, rng))
            run.span = (began, time.perf_counter())
        finished += 1
        options.progress(finished, citizens, note)
        return run

    options.progress(0, citizens, note)
    cpu_before, began = stack_cpu(stack), time.perf_counter()
    runs = await asyncio.gather(*(citizen(n) for n in range(citizens)))
    wall, cpu_after = time.perf_counter() - began, stack_cpu(stack)
    return Drive(
        list(runs), concurrency, wall, cpu_ms_per_update(cpu_before, cpu_after, sum(len(run.latencies) for run in runs))
    )


def run_figures(stack: Stack, options: BenchOptions, driven: Drive) -> Figures:
    """What any variant reports: the load, the rates, latency, CPU, failures and the bot's errors and memory."""
    runs, wall = driven.runs, driven.wall
    latencies = [seconds for run in runs for seconds in run.latencies]
    answers = sum(run.answers for run in runs)
    return {
        "bot_mode": stack.bot_mode,
        "citizens": len(runs),
        "concurrency": driven.concurrency,
        "offered_answers_per_s": options.rate,
        "answers": answers,
        "updates": len(latencies),
        "wall_s": round(wall, 2),
        "answers_per_s": round(answers / wall, 1),
        "steady_answers_per_s": _steady_answers(driven),
        "updates_per_s": round(len(latencies) / wall, 1),
        "latency_ms": latency_ms(latencies),
        "cpu_ms_per_update": driven.cpu_ms_per_update,
        "errors": sum(1 for run in runs if run.error),
        "bot_logged_errors": len(stack.bot_errors),
        "bot_peak_rss_mib": stack.bot_peak_rss_mib,
    }


def _steady_answers(driven: Drive) -> float | None:
    """Answers a second while every citizen slot is busy: the steps taken then, times the share of steps
    that answer (answers come late in a script, so counting them alone would read an early window low)."""
    runs = driven.runs
    steps = steady_rate(
        [moment for run in runs for moment in run.taken_at],
        [run.span for run in runs],
        min(driven.concurrency, len(runs)),
    )
    taken = sum(len(run.taken_at) for run in runs)
    return None if steps is None or not taken else round(steps * sum(run.answers for run in runs) / taken, 1)


async def measure(options: BenchOptions, name: str, database_url: URL, redis_url: str | None) -> Figures:
    """One variant: the stack on this database (and Redis), the citizens through it, the check after.

    ``bot_mode`` says how the bot ran: ``polling``, or ``webhook xN`` with ``options.workers`` (several
    workers share the conversation state in Redis, on SQLite too: skipped without Redis).
    """
    if (options.workers or 1) > 1 and not (redis_url := redis_url or options.redis_url):
        return skipped(f"{options.workers} webhook workers need Redis: set MEYDAN_BENCH_REDIS_URL")
    bot_id = 600_000_000 + secrets.randbelow(10**8)  # its own Redis keys: meydan:<bot_id>:...
    url = database_url.render_as_string(hide_password=False)
    try:
        async with running_stack(
            f"{bot_id}:meydan-bench", url, redis_url, options.scratch / name, options.workers
        ) as stack:
            driven = await drive(stack, options, name, survey_play)
    finally:
        if redis_url:
            await delete_keys(redis_url, f"{KEY_PREFIX}:{bot_id}:*")
    verified = await check(database_url, driven.runs)
    figures = {
        "database": database_url.get_backend_name(),
        "fsm_state": "redis" if redis_url else "memory",
        **run_figures(stack, options, driven),
        "incomplete_responses": verified.incomplete,
        "lost_answers": verified.lost,
    }
    return with_samples(figures, [run.error for run in driven.runs if run.error], stack.bot_errors)


async def run(options: BenchOptions) -> Figures:
    """The ``sqlite`` variant (in-memory conversation state), then ``postgres`` (Redis state if given)."""
    return await each_stack(options, measure)
