"""The machine a benchmark ran on, for the figures to be read against."""

from __future__ import annotations

import os
import platform
import sqlite3
import time
from pathlib import Path
from typing import Any

from sandbox.bench.services import postgres_version, redis_version


def _cpu_model() -> str:
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or platform.machine()


def _memory_mib() -> int | None:
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") // 2**20
    except (ValueError, OSError, AttributeError):
        return None


def python_loop_ns(iterations: int = 1_000_000, tries: int = 3) -> float:
    """Nanoseconds per iteration of a plain Python loop, best of ``tries``: how fast one core runs Python
    now. The CPU model alone does not say it: on virtual machines of one kind this was seen to vary
    threefold between runs, and every figure with it."""
    best = float("inf")
    for _ in range(tries):
        began, total = time.perf_counter(), 0
        for number in range(iterations):
            total += number
        best = min(best, time.perf_counter() - began)
    return round(best * 1e9 / iterations, 1)


async def _version(probe: Any, url: str | None) -> str | None:
    """A server's version, or a short note why there is none."""
    if url is None:
        return None
    try:
        return str(await probe(url))
    except Exception as exc:  # unreachable or refused: say so instead of failing the whole run
        return f"unreachable ({exc.__class__.__name__})"


async def describe(postgres_url: str | None, redis_url: str | None) -> dict[str, Any]:
    """CPU, cores, memory, the load as the run began (other work skews the figures), the speed of Python
    on one core (``python_loop_ns``), Python, platform,
    SQLite, and the PostgreSQL and Redis servers if given."""
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return {
        "cpu_model": _cpu_model(),
        "cores": os.cpu_count(),
        "usable_cores": usable,
        "memory_mib": _memory_mib(),
        "load_average_1m": round(os.getloadavg()[0], 2),
        "python_loop_ns": python_loop_ns(),
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "platform": platform.platform(),
        "sqlite_version": sqlite3.sqlite_version,
        "postgres_version": await _version(postgres_version, postgres_url),
        "redis_version": await _version(redis_version, redis_url),
    }
