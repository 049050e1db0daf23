"""Run benchmarks one after another with a progress display on stderr; collect one JSON document."""

from __future__ import annotations

import inspect
import logging
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

from backend.errors import MeydanError
from sandbox.bench.machine import describe
from sandbox.bench.registry import BENCHMARKS, BenchOptions, Figures

log = logging.getLogger("meydan.bench")


def chosen(names: Sequence[str]) -> list[str]:
    """The benchmarks to run: the names given (checked), or every registered one."""
    unknown = [name for name in names if name not in BENCHMARKS]
    if unknown:
        raise MeydanError(f"unknown benchmark {', '.join(unknown)}; known: {', '.join(BENCHMARKS)}")
    return list(dict.fromkeys(names)) or list(BENCHMARKS)


async def _one(name: str, options: BenchOptions) -> Figures:
    """A benchmark's figures, or ``{"error": ...}`` if it failed (the others still run)."""
    try:
        result = BENCHMARKS[name].load()(options)
        figures: Figures = await result if inspect.isawaitable(result) else result
    except Exception as exc:
        log.exception("benchmark %s failed", name)
        return {"error": f"{exc.__class__.__name__}: {exc}"}
    return figures


async def run_benchmarks(names: Sequence[str], options: BenchOptions, console: Console) -> dict[str, Any]:
    """``{"machine", "benchmarks": {name: figures}, "started_at"}``; each benchmark gets ``scratch/<name>``."""
    started_at = datetime.now(UTC).isoformat(timespec="seconds")
    document: dict[str, Any] = {
        "machine": await describe(options.postgres_url, options.redis_url),
        "benchmarks": {},
        "started_at": started_at,
    }
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=False) as progress:
        for name in chosen(names):
            task = progress.add_task(name, total=None)

            def report(done: int, total: int, note: str, task: TaskID = task, name: str = name) -> None:
                progress.update(task, completed=done, total=total, description=f"{name} {note}".strip())

            scratch = options.scratch / name
            scratch.mkdir(parents=True, exist_ok=True)
            document["benchmarks"][name] = await _one(name, replace(options, scratch=scratch, progress=report))
    return document
