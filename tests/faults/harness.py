"""The bot under fault: ``meydan run`` in a process of its own, SIGKILLed at random moments and restarted,
and users who wait for an answer the way people do (and act again when none comes)."""

from __future__ import annotations

import asyncio
import signal
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import update
from sqlalchemy.engine import URL
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from backend import migrate
from backend.db import create_engine, session_factory
from backend.models import OutboxMessage, utcnow
from backend.services import outbox
from sandbox.bench.survey.stack import BOT_COMMAND, bot_environment
from sandbox.emulator import RunningEmulator
from sandbox.emulator.users import Message, SimulatedUser
from tests.conftest import Stack
from tests.faults.conftest import Ledger

TOKEN = "464646:meydan-faults"
SECRET = "meydan-faults-secret-key-of-32-characters"
START_TIMEOUT = 60.0
GRACE = 3.0  # how long a user waits for an answer once the bot polls (again) before acting again
POLL = 0.25
T = TypeVar("T")
Hook = Callable[[], Awaitable[None]]


@asynccontextmanager
async def database(url: URL, *, migrated: bool = False) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """Sessions on the scenario's database; ``migrated`` first brings the schema up to date (to seed
    data before the bot first starts)."""
    engine = create_engine(url)
    try:
        if migrated:
            await migrate.upgrade(engine)
        yield session_factory(engine)
    finally:
        await engine.dispose()


class BotProcess:
    """``meydan run`` on the scenario's stack; ``kill()`` is SIGKILL, ``start()`` waits for its first getUpdates.
    ``options`` are added to ``meydan run`` at each start (``--no-scheduler``: no outbox sender)."""

    def __init__(
        self, emulator: RunningEmulator, env: dict[str, str], workdir: Path, options: tuple[str, ...] = ()
    ) -> None:
        self.emulator = emulator
        self.env = env
        self.workdir = workdir
        self.log = workdir / "bot.log"
        self.up_since = 0.0
        self.starts = 0
        self._process: asyncio.subprocess.Process | None = None
        self.options = options

    @property
    def alive(self) -> bool:
        """Polling, as far as this process knows (started and neither killed nor exited)."""
        return self._process is not None and self._process.returncode is None and self.up_since > 0

    async def start(self) -> None:
        """Spawn the bot and wait until it polls; RuntimeError with its last log line if it does not."""
        state = self.emulator.bot(TOKEN)
        generation = state.poll_generation
        with self.log.open("ab") as out:
            self._process = await asyncio.create_subprocess_exec(
                *BOT_COMMAND,
                *self.options,
                env=self.env,
                cwd=self.workdir,
                stdout=out,
                stderr=out,
                stdin=asyncio.subprocess.DEVNULL,
            )
        self.starts += 1
        loop = asyncio.get_running_loop()
        deadline = loop.time() + START_TIMEOUT
        while state.poll_generation == generation:
            if self._process.returncode is not None or loop.time() > deadline:
                raise RuntimeError(f"the bot did not start polling: {self.last_lines(1)}")
            await asyncio.sleep(0.02)
        self.up_since = loop.time()

    async def kill(self, frozen: Hook | None = None) -> None:
        """SIGKILL: no cleanup of any kind, as a crash or an OOM kill. With ``frozen`` the bot is first
        stopped (SIGSTOP) while ``frozen()`` looks at what it leaves half done."""
        process, self.up_since = self._process, 0.0
        if process is not None and process.returncode is None:
            if frozen is not None:
                process.send_signal(signal.SIGSTOP)
                await asyncio.sleep(0.3)  # requests already on the wire arrive
                await frozen()
            process.send_signal(signal.SIGKILL)
            await process.wait()

    async def stop(self) -> None:
        """SIGTERM and wait (the bot stops polling cleanly)."""
        process = self._process
        if process is not None and process.returncode is None:
            process.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(process.wait(), 15)
            except TimeoutError:
                process.kill()
                await process.wait()
        self.up_since = 0.0

    def exited(self) -> int | None:
        """The exit code if the bot ended by itself (or was stopped), else None."""
        return None if self._process is None else self._process.returncode

    def last_lines(self, count: int) -> str:
        """The end of the bot's log, for failure messages."""
        lines = self.log.read_text(errors="replace").strip().splitlines() or ["no output"]
        return "\n".join(lines[-count:])

    def errors(self) -> list[str]:
        """Every ERROR or CRITICAL line the bot logged."""
        return [
            line
            for line in self.log.read_text(errors="replace").splitlines()
            if " ERROR " in line or " CRITICAL " in line
        ]


@asynccontextmanager
async def bot_process(
    emulator: RunningEmulator,
    stack: Stack,
    workdir: Path,
    *,
    database_url: str | None = None,
    redis_url: str | None = None,
    options: tuple[str, ...] = (),
) -> AsyncIterator[BotProcess]:
    """The polling bot on ``stack`` (or the URLs given, e.g. through a proxy) until the block exits;
    ``options`` go to ``meydan run``."""
    workdir.mkdir(parents=True, exist_ok=True)
    env = bot_environment(
        TOKEN,
        emulator.base_url,
        database_url or stack.database_url.render_as_string(hide_password=False),
        redis_url or stack.redis_url,
        workdir / "data",
    )
    bot = BotProcess(emulator, env | {"MEYDAN_SECRET_KEY": SECRET}, workdir, options)
    await bot.start()
    try:
        yield bot
    finally:
        await bot.stop()


@dataclass(frozen=True)
class Kills:
    """How a scenario kills: up to ``count`` times, each after a random number (in ``after``, drawn from
    the ledger's seeded random numbers) of the emulator's events since the bot came up: messages sent,
    edited or received, presses answered. So the kills fall inside the work however fast the machine is.
    ``frozen`` looks at the stopped bot before the kill, ``dead`` runs between the kill and the restart."""

    count: int
    after: tuple[int, int]
    frozen: Hook | None = None
    dead: Hook | None = None


async def _kill_repeatedly(bot: BotProcess, ledger: Ledger, kills: Kills, until: asyncio.Event) -> None:
    """Kill and restart the bot until ``kills.count`` or ``until`` (a restart under way is finished first)."""
    state = bot.emulator.bot(TOKEN)
    for _ in range(kills.count):
        due = state.revision + ledger.rng.randint(*kills.after)
        while state.revision < due:
            if until.is_set():
                return
            await asyncio.sleep(0.005)
        await bot.kill(kills.frozen)
        if kills.dead is not None:
            await kills.dead()
        await bot.start()
        ledger.killed()


async def while_killing(bot: BotProcess, ledger: Ledger, kills: Kills, *work: Awaitable[object]) -> int:
    """Run ``work`` (users acting) while killing the bot; the number of kills that fell inside it.
    A bot that will not restart (or a failing hook) ends the work at once."""
    before = ledger.kills
    finished = asyncio.Event()
    killer = asyncio.create_task(_kill_repeatedly(bot, ledger, kills, finished))
    users = asyncio.ensure_future(asyncio.gather(*work))
    try:
        await asyncio.wait({users, killer}, return_when=asyncio.FIRST_COMPLETED)
        if killer.done() and killer.exception() is not None:
            users.cancel()
        await users
    finally:
        finished.set()
        users.cancel()
        await killer
    return ledger.kills - before


async def expire_leases(url: URL) -> None:
    """Fast-forward the outbox leases of a killed sender (60 s) so the new one retries at once, as it
    would once they ran out; only while no bot runs."""
    async with database(url) as sessions, sessions() as session, session.begin():
        await session.execute(
            update(OutboxMessage).where(OutboxMessage.status == outbox.SENDING).values(not_before=utcnow())
        )


async def patiently(bot: BotProcess, wait: Callable[[float], Awaitable[T]]) -> T | None:
    """``wait(timeout)`` again and again until it returns; None once the bot has polled for ``GRACE``
    seconds since the first try (the update, or its answer, died with a bot)."""
    loop = asyncio.get_running_loop()
    asked = loop.time()
    while True:
        try:
            return await wait(POLL)
        except TimeoutError:
            pass
        if bot.alive and loop.time() - max(asked, bot.up_since) > GRACE:
            return None


async def reply(
    user: SimulatedUser,
    bot: BotProcess,
    *,
    contains: str | None = None,
    predicate: Callable[[Message], bool] | None = None,
) -> Message | None:
    """The bot's next matching message since the user's last action, or None if none comes (``patiently``)."""
    return await patiently(bot, lambda timeout: user.wait_for_message(contains, timeout, predicate=predicate))


async def answer(user: SimulatedUser, bot: BotProcess, query_id: str) -> dict[str, Any] | None:
    """The bot's answer to the press ``query_id``, or None if none comes (``patiently``)."""
    return await patiently(bot, lambda timeout: user.wait_for_answer(query_id, timeout))
