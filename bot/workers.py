"""``meydan run --webhook --workers N``: N webhook worker processes sharing one port.

Each worker is ``python -m bot run --webhook --workers 1`` listening with ``SO_REUSEPORT``, so the kernel
spreads the messenger's connections over them; they share the conversation state in Redis (and start
up one at a time, see ``bot.runner.starting_alone``). SIGINT/SIGTERM is passed on to every worker; when
one worker ends by itself, the others are stopped and the supervisor exits with its code, so a
container's restart policy brings the whole set back.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import sys
from collections.abc import Sequence

from backend.config import Settings
from backend.errors import ConfigError

log = logging.getLogger("meydan.workers")
STOP_TIMEOUT = 45.0


def worker_command(settings: Settings, *, duties: bool, verbose: bool) -> list[str]:
    """The command line of one worker, with the host and port this supervisor resolved."""
    return [
        sys.executable,
        "-m",
        "bot",
        "run",
        "--webhook",
        "--workers",
        "1",
        "--host",
        settings.webhook_host,
        "--port",
        str(settings.webhook_port),
        "--scheduler" if duties else "--no-scheduler",
        "--verbose" if verbose else "--quiet",
    ]


async def run_workers(settings: Settings, *, duties: bool, verbose: bool) -> int:
    """Start MEYDAN_WEBHOOK_WORKERS workers and supervise them until a signal or a worker's end; the exit code."""
    settings.require_webhook_url()
    if not settings.redis_url:
        raise ConfigError(
            "several webhook workers share their conversation state in Redis; set MEYDAN_REDIS_URL or use --workers 1"
        )
    settings.webhook_secret_token()  # with no MEYDAN_SECRET_KEY, the key file is written once, before the workers
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    workers: list[asyncio.subprocess.Process] = []
    try:
        command = worker_command(settings, duties=duties, verbose=verbose)
        for _ in range(settings.webhook_workers):
            workers.append(await asyncio.create_subprocess_exec(*command))
        log.info(
            "%d webhook workers (pids %s) share port %s",
            len(workers),
            ", ".join(str(w.pid) for w in workers),
            settings.webhook_port,
        )
        return await supervise(workers, stop)
    finally:
        await stop_all(workers)
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(signum)


async def supervise(workers: Sequence[asyncio.subprocess.Process], stop: asyncio.Event) -> int:
    """Wait for ``stop`` or for any worker to end; 0 on a requested stop, else the ended worker's code (or 1)."""
    ended = [asyncio.create_task(worker.wait()) for worker in workers]
    stopping = asyncio.create_task(stop.wait())
    try:
        await asyncio.wait({stopping, *ended}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in (stopping, *ended):
            task.cancel()
    if stop.is_set():  # Ctrl-C reaches the workers too: they may end first
        return 0
    code = next(worker.returncode for worker in workers if worker.returncode is not None)
    log.error("a webhook worker ended with code %s; stopping the others", code)
    return code if code > 0 else 1  # killed by a signal (negative) or ended on its own: a failure all the same


async def stop_all(workers: Sequence[asyncio.subprocess.Process]) -> None:
    """SIGTERM every running worker and wait; kill what is still running after STOP_TIMEOUT."""
    running = [worker for worker in workers if worker.returncode is None]
    for worker in running:
        worker.send_signal(signal.SIGTERM)
    try:
        await asyncio.wait_for(asyncio.gather(*(worker.wait() for worker in running)), STOP_TIMEOUT)
    except TimeoutError:
        for worker in running:
            if worker.returncode is None:
                worker.kill()
                await worker.wait()
