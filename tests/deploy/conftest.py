"""Fixtures of the deployment tests: ``meydan`` commands as real processes, with their logs in files."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from sandbox.emulator import RunningEmulator, running_emulator

TOKEN = "737373:deploy-tests"
START_TIMEOUT = 120.0


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def meydan_env(tmp_path: Path, **values: object) -> dict[str, str]:
    """This process's environment without MEYDAN_* settings, plus a data directory and ``values``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("MEYDAN_")}
    env.update(
        {
            "MEYDAN_DATA_DIR": str(tmp_path / "data"),
            "MEYDAN_SECRET_KEY": "deploy-tests-secret-key-of-32-characters",
        }
    )
    env.update({f"MEYDAN_{k.upper()}": str(v) for k, v in values.items() if v is not None})
    return env


class Service:
    """A ``meydan`` command running as a process; stdout and stderr go to ``log``."""

    def __init__(self, process: asyncio.subprocess.Process, log: Path) -> None:
        self.process = process
        self.log = log

    @property
    def pid(self) -> int:
        """The process id."""
        return self.process.pid

    def output(self) -> str:
        """What it has logged so far."""
        return self.log.read_text(errors="replace")

    async def stop(self, timeout: float = 60) -> int:
        """SIGTERM, then its exit code once it ended."""
        if self.process.returncode is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            return await asyncio.wait_for(self.process.wait(), timeout)
        except TimeoutError:
            self.process.kill()
            await self.process.wait()
            raise AssertionError(f"{self.log.name} did not stop within {timeout}s:\n{self.output()[-3000:]}") from None


Start = Callable[..., Awaitable[Service]]


@pytest.fixture
async def start_meydan(tmp_path: Path) -> AsyncIterator[Start]:
    """``await start_meydan(env, *args, name=...)``: ``python -m bot *args`` running; killed after the test."""
    services: list[Service] = []

    async def start(env: dict[str, str], *args: str, name: str) -> Service:
        log = tmp_path / f"{name}.log"
        with log.open("wb") as out:
            process = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "bot", *args, env=env, stdout=out, stderr=asyncio.subprocess.STDOUT
            )
        services.append(Service(process, log))
        return services[-1]

    yield start
    for service in services:
        if service.process.returncode is None:
            service.process.kill()
            await service.process.wait()


async def health(port: int) -> dict[str, Any] | None:
    """A worker's /healthz answer over a new connection, or None if nothing answers."""
    timeout = aiohttp.ClientTimeout(total=3)
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(force_close=True), timeout=timeout) as session:
        try:
            async with session.get(f"http://127.0.0.1:{port}/healthz") as response:
                return dict(await response.json()) if response.status == 200 else None
        except (TimeoutError, aiohttp.ClientError):
            return None


async def until_healthy(port: int, *services: Service, timeout: float = START_TIMEOUT) -> dict[str, Any]:
    """Wait for a /healthz answer on ``port``; fails early with the log of a service that ended."""
    deadline = asyncio.get_running_loop().time() + timeout
    while asyncio.get_running_loop().time() < deadline:
        for service in services:
            if service.process.returncode is not None:
                raise AssertionError(
                    f"{service.log.name} ended with {service.process.returncode}:\n{service.output()[-3000:]}"
                )
        answer = await health(port)
        if answer is not None:
            return answer
        await asyncio.sleep(0.3)
    logs = "\n".join(service.output()[-2000:] for service in services)
    raise AssertionError(f"nothing healthy on port {port} within {timeout}s:\n{logs}")


async def until_logged(service: Service, *texts: str, timeout: float = START_TIMEOUT) -> None:
    """Wait until ``service`` has logged one of ``texts``."""
    deadline = asyncio.get_running_loop().time() + timeout
    while not any(text in service.output() for text in texts):
        if asyncio.get_running_loop().time() > deadline or service.process.returncode is not None:
            raise AssertionError(f"{service.log.name} never logged {texts}:\n{service.output()[-3000:]}")
        await asyncio.sleep(0.2)


@pytest.fixture
async def emulator() -> AsyncIterator[RunningEmulator]:
    """A fresh Bot API emulator."""
    async with running_emulator() as emu:
        yield emu
