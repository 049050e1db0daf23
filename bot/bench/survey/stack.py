"""The system under test: the emulator in this process, the bot as ``meydan run`` in a process of its own.

Why this layout (measured with 60 citizens, 30 at once, on SQLite, in CPU ms per update): with the
emulator, the citizens and the bot in one event loop that loop spent 30 ms per update, all on one
core; with only the emulator in a process of its own (``meydan emulator``) the bot's process still
spent 21-26 ms, the citizens' HTTP clients included; with the bot alone (this layout) it spends
17-23 ms and the emulator with the citizens 5-6 ms on the other core. So the bot, the thing being
measured, has a core to itself and runs exactly as in production.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

from bot.bench.stats import cpu_seconds, peak_rss_mib
from bot.emulator import RunningEmulator, running_emulator

BOT_COMMAND = (sys.executable, "-c", "from bot.cli import main; main()", "run", "--quiet")
START_TIMEOUT = 60.0
STOP_TIMEOUT = 15.0
QUIET_WINDOW, QUIET_CPU_SHARE, QUIET_WINDOWS = 0.5, 0.05, 2


@dataclass
class Stack:
    """A running emulator and bot process; the peak memory and logged errors are filled in when it stops."""

    emulator: RunningEmulator
    token: str
    bot_pid: int = 0
    bot_peak_rss_mib: float | None = None
    bot_errors: list[str] = field(default_factory=list)


def bot_environment(token: str, api_base: str, database_url: str, redis_url: str | None,
                    data_dir: Path) -> dict[str, str]:
    """This process's environment without any MEYDAN_* setting, plus the bot's own settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("MEYDAN_")}
    return env | {
        "MEYDAN_BOT_TOKEN": token,
        "MEYDAN_API_BASE": api_base,
        "MEYDAN_DATABASE_URL": database_url,
        "MEYDAN_REDIS_URL": redis_url or "",
        "MEYDAN_DATA_DIR": str(data_dir),
        "MEYDAN_SECRET_KEY": "meydan-bench",
    }


async def _until_polling(stack: Stack, bot: asyncio.subprocess.Process, log: Path) -> None:
    """Wait for the bot's first getUpdates; a bot that exits or hangs raises with its last log line."""
    state = stack.emulator.bot(stack.token)
    loop = asyncio.get_running_loop()
    deadline = loop.time() + START_TIMEOUT
    while state.poll_generation == 0:
        if bot.returncode is not None or loop.time() > deadline:
            lines = log.read_text(errors="replace").strip().splitlines() or ["no output"]
            raise RuntimeError(f"the bot did not start polling: {lines[-1]}")
        await asyncio.sleep(0.05)


async def _until_quiet(pid: int) -> None:
    """Wait until the bot has done its start-up work (the leader's catch-up jobs import the ranking code,
    seconds of CPU) and idles at its long poll, so the CPU measured next is the updates' own; at most
    ``START_TIMEOUT``."""
    loop = asyncio.get_running_loop()
    deadline, quiet, used = loop.time() + START_TIMEOUT, 0, cpu_seconds(pid)
    while used is not None and quiet < QUIET_WINDOWS and loop.time() < deadline:
        await asyncio.sleep(QUIET_WINDOW)
        now = cpu_seconds(pid)
        quiet = quiet + 1 if now is not None and now - used < QUIET_WINDOW * QUIET_CPU_SHARE else 0
        used = now


async def _stop(bot: asyncio.subprocess.Process) -> None:
    """SIGTERM (the bot stops polling cleanly), then SIGKILL if it takes too long."""
    if bot.returncode is None:
        bot.send_signal(signal.SIGTERM)
        try:
            await asyncio.wait_for(bot.wait(), STOP_TIMEOUT)
        except TimeoutError:
            bot.kill()
            await bot.wait()


def stack_cpu(stack: Stack) -> tuple[float | None, float | None]:
    """CPU seconds used so far by the bot process and by this one (the emulator and the simulated users)."""
    return cpu_seconds(stack.bot_pid), cpu_seconds()


@asynccontextmanager
async def running_stack(token: str, database_url: str, redis_url: str | None, workdir: Path) -> AsyncIterator[Stack]:
    """The emulator and the polling bot on ``database_url`` (and Redis if given), once it idles, until the
    block exits.

    The bot's output goes to ``workdir/bot.log``; it runs in ``workdir`` so no ``.env`` is read.
    """
    workdir.mkdir(parents=True, exist_ok=True)
    log = workdir / "bot.log"
    async with running_emulator() as emulator:
        stack = Stack(emulator, token)
        env = bot_environment(token, emulator.base_url, database_url, redis_url, workdir / "data")
        with log.open("wb") as out:
            bot = await asyncio.create_subprocess_exec(*BOT_COMMAND, env=env, cwd=workdir, stdout=out, stderr=out,
                                                       stdin=asyncio.subprocess.DEVNULL)
        stack.bot_pid = bot.pid
        try:
            await _until_polling(stack, bot, log)
            await _until_quiet(bot.pid)
            yield stack
        finally:
            stack.bot_peak_rss_mib = peak_rss_mib(bot.pid)
            await _stop(bot)
            stack.bot_errors = [line for line in log.read_text(errors="replace").splitlines()
                                if " ERROR " in line or " CRITICAL " in line]
