"""Run a measurement on SQLite and, when a server is given, on a scratch PostgreSQL database."""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable
from functools import partial
from pathlib import Path
from typing import Any

from sqlalchemy.engine import URL, make_url

from sandbox.bench.options import BenchOptions, Figures, skipped
from sandbox.bench.services import scratch_database

NO_POSTGRES = "no PostgreSQL: pass --postgres-url or set MEYDAN_BENCH_POSTGRES_URL"
Measure = Callable[[str, URL], Awaitable[Figures]]
SizedFunction = Callable[..., Any]  # function(size, database_url[, progress]) -> figures, sync or async


async def each_database(options: BenchOptions, measure: Measure) -> Figures:
    """``{"sqlite": measure("sqlite", url), "postgres": measure("postgres", url) or skipped}``.

    SQLite is a file in ``scratch/sqlite``; PostgreSQL a database created for the run and dropped after.
    """
    sqlite = Path(options.scratch, "sqlite", "meydan.db").resolve()
    sqlite.parent.mkdir(parents=True, exist_ok=True)
    figures = {"sqlite": await measure("sqlite", make_url(f"sqlite+aiosqlite:///{sqlite}"))}
    if options.postgres_url is None:
        figures["postgres"] = skipped(NO_POSTGRES)
        return figures
    async with scratch_database(options.postgres_url) as postgres:
        figures["postgres"] = await measure("postgres", postgres)
    return figures


StackMeasure = Callable[[BenchOptions, str, URL, str | None], Awaitable[Figures]]


async def each_stack(options: BenchOptions, measure: StackMeasure) -> Figures:
    """``measure(options, name, url, redis_url)`` on SQLite with in-memory state, then on PostgreSQL
    with Redis when one is given."""
    return await each_database(
        options, lambda name, url: measure(options, name, url, options.redis_url if name == "postgres" else None)
    )


async def _sized(function: SizedFunction, sizes: tuple[int, int], options: BenchOptions) -> Figures:
    size = options.size or sizes[options.quick]

    reports_progress = "progress" in inspect.signature(function).parameters

    async def measure(variant: str, url: URL) -> Figures:
        def progress(done: int, total: int, note: str) -> None:
            options.progress(done, total, f"{variant} {note}")

        result = function(size, url, progress) if reports_progress else function(size, url)
        figures: Figures = await result if inspect.isawaitable(result) else result
        return figures

    return await each_database(options, measure)


def per_database(function: SizedFunction, sizes: tuple[int, int]) -> Callable[[BenchOptions], Awaitable[Figures]]:
    """A benchmark of ``function(size, database_url[, progress])`` on each database; ``sizes`` is
    (default, quick), overridden by ``--size``."""
    return partial(_sized, function, sizes)
