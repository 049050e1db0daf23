"""The system under test: the emulator in this process, the bot as ``meydan run`` in a process of its own.

Why this layout (measured with 60 citizens, 30 at once, on SQLite, in CPU ms per update): with the
emulator, the citizens and the bot in one event loop that loop spent 30 ms per update, all on one
core; with only the emulator in a process of its own (``meydan emulator``) the bot's process still
spent 21-26 ms, the citizens' HTTP clients included; with the bot alone (this layout) it spends
17-23 ms and the emulator with the citizens 5-6 ms on the other core (3-4 ms since the citizens act
in-process, ``LocalUser``). So the bot, the thing being measured, has a core to itself and runs
exactly as in production.

One polling process keeps one core busy at most. With ``workers`` the bot runs as ``meydan run --webhook
--workers N`` instead (production's way to use more cores): the emulator posts updates to N worker
processes sharing a local port, many at once like Telegram; the bot's CPU is then that of the whole
process tree (the supervisor and its workers).
"""

from __future__ import annotations

import asyncio
import os
import secrets
import signal
import socket
import sys
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

from sandbox.bench.stats import cpu_seconds, process_tree, tree_cpu_seconds, tree_peak_rss_mib
from sandbox.emulator import RunningEmulator, running_emulator

BOT_COMMAND = (sys.executable, "-c", "from bot.cli import main; main()", "run", "--quiet")
WEBHOOK_PATH = "/meydan/webhook"
START_TIMEOUT = 60.0
STOP_TIMEOUT = 15.0
QUIET_WINDOW, QUIET_CPU_SHARE, QUIET_WINDOWS = 0.5, 0.05, 2


@dataclass
class Stack:
    """A running emulator and bot process; the peak memory and logged errors are filled in when it stops."""

    emulator: RunningEmulator
    token: str
    workers: int | None = None  # webhook worker processes; None: polling
    bot_pid: int = 0
    bot_peak_rss_mib: float | None = None
    bot_errors: list[str] = field(default_factory=list)

    @property
    def bot_mode(self) -> str:
        """``polling`` or ``webhook xN``."""
        return "polling" if self.workers is None else f"webhook x{self.workers}"


def bot_environment(
    token: str, api_base: str, database_url: str, redis_url: str | None, data_dir: Path
) -> dict[str, str]:
    """This process's environment without any MEYDAN_* setting, plus the bot's own settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("MEYDAN_")}
    return env | {
        "MEYDAN_BOT_TOKEN": token,
        "MEYDAN_API_BASE": api_base,
        "MEYDAN_DATABASE_URL": database_url,
        "MEYDAN_REDIS_URL": redis_url or "",
        "MEYDAN_DATA_DIR": str(data_dir),
        "MEYDAN_SECRET_KEY": "meydan-bench-secret-key-not-for-real-use",
    }


def free_port() -> int:
    """A TCP port free on 127.0.0.1 just now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def listeners(port: int) -> int | None:
    """How many sockets listen on this local TCP port (each webhook worker has its own); None without /proc."""
    try:
        table = Path("/proc/net/tcp").read_text().splitlines()[1:]
    except OSError:
        return None
    local = f":{port:04X}"
    return sum(1 for row in table if row.split()[1].endswith(local) and row.split()[3] == "0A")


def _bot_command(command: tuple[str, ...], workers: int | None, port: int) -> tuple[str, ...]:
    if workers is None:
        return command
    return (*command, "--webhook", "--workers", str(workers), "--port", str(port))


def _webhook_environment(port: int) -> dict[str, str]:
    """The webhook's URL on this machine and a secret of its own."""
    return {
        "MEYDAN_WEBHOOK_URL": f"http://127.0.0.1:{port}{WEBHOOK_PATH}",
        "MEYDAN_WEBHOOK_SECRET": secrets.token_urlsafe(24),
    }


async def _until_serving(stack: Stack, bot: asyncio.subprocess.Process, log: Path, port: int) -> None:
    """Wait for the bot's first getUpdates, or for its webhook to be set and every worker to listen; a bot
    that exits or hangs raises with its last log line."""
    state = stack.emulator.bot(stack.token)
    loop = asyncio.get_running_loop()
    deadline = loop.time() + START_TIMEOUT

    def serving() -> bool:
        if stack.workers is None:
            return state.poll_generation > 0
        return bool(state.webhook.url) and listeners(port) in (stack.workers, None)

    while not serving():
        if bot.returncode is not None or loop.time() > deadline:
            lines = log.read_text(errors="replace").strip().splitlines() or ["no output"]
            raise RuntimeError(f"the bot did not start serving updates ({stack.bot_mode}): {lines[-1]}")
        await asyncio.sleep(0.05)


async def _until_quiet(pid: int) -> None:
    """Wait until the bot (with its workers) has done its start-up work (the leader's catch-up jobs import
    the ranking code, seconds of CPU) and idles, so the CPU measured next is the updates' own; at most
    ``START_TIMEOUT``."""
    loop = asyncio.get_running_loop()
    deadline, quiet, used = loop.time() + START_TIMEOUT, 0, tree_cpu_seconds(pid)
    while used is not None and quiet < QUIET_WINDOWS and loop.time() < deadline:
        await asyncio.sleep(QUIET_WINDOW)
        now = tree_cpu_seconds(pid)
        quiet = quiet + 1 if now is not None and now - used < QUIET_WINDOW * QUIET_CPU_SHARE else 0
        used = now


async def _stop(bot: asyncio.subprocess.Process) -> None:
    """SIGTERM (the bot stops serving cleanly, a supervisor stops its workers), then SIGKILL to the bot and
    its workers if it takes too long."""
    if bot.returncode is None:
        tree = process_tree(bot.pid)
        bot.send_signal(signal.SIGTERM)
        try:
            await asyncio.wait_for(bot.wait(), STOP_TIMEOUT)
        except TimeoutError:
            for pid in reversed(tree):
                with suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
            await bot.wait()


def stack_cpu(stack: Stack) -> tuple[float | None, float | None]:
    """CPU seconds used so far by the bot's processes and by this one (the emulator and the simulated users)."""
    return tree_cpu_seconds(stack.bot_pid), cpu_seconds()


@asynccontextmanager
async def running_stack(
    token: str,
    database_url: str,
    redis_url: str | None,
    workdir: Path,
    workers: int | None = None,
    command: tuple[str, ...] = BOT_COMMAND,
    environment: Mapping[str, str] | None = None,
    settle: bool = True,
) -> AsyncIterator[Stack]:
    """The emulator and the bot on ``database_url`` (and Redis if given), once it idles, until the block
    exits: polling, or ``workers`` webhook worker processes on a free local port. ``command`` starts the
    bot (``meydan run``; the survey benchmark's floor starts a bot of its own); ``environment`` adds to
    or overrides the bot's settings (the demo's data directory and key). Without ``settle`` the block
    starts as soon as the bot serves, its start-up work still running (nothing measures its CPU).

    The bot's output (its workers' too) goes to ``workdir/bot.log``; it runs in ``workdir`` so no ``.env``
    is read.
    """
    workdir.mkdir(parents=True, exist_ok=True)
    log = workdir / "bot.log"
    port = free_port()
    async with running_emulator() as emulator:
        stack = Stack(emulator, token, workers)
        env = bot_environment(token, emulator.base_url, database_url, redis_url, workdir / "data")
        if workers is not None:
            env |= _webhook_environment(port)
        env |= environment or {}
        with log.open("wb") as out:
            bot = await asyncio.create_subprocess_exec(
                *_bot_command(command, workers, port),
                env=env,
                cwd=workdir,
                stdout=out,
                stderr=out,
                stdin=asyncio.subprocess.DEVNULL,
            )
        stack.bot_pid = bot.pid
        try:
            await _until_serving(stack, bot, log, port)
            if settle:
                await _until_quiet(bot.pid)
            yield stack
        finally:
            stack.bot_peak_rss_mib = tree_peak_rss_mib(bot.pid)
            await _stop(bot)
            stack.bot_errors = [
                line
                for line in log.read_text(errors="replace").splitlines()
                if " ERROR " in line or " CRITICAL " in line
            ]
