"""What a benchmark is given (``BenchOptions``) and what it returns (``Figures``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

Figures = dict[str, Any]
Progress = Callable[[int, int, str], None]


def _no_progress(done: int, total: int, note: str) -> None:
    """Progress reports go nowhere unless the runner shows them."""


@dataclass(frozen=True)
class BenchOptions:
    """What a benchmark run is given.

    ``quick``: a small, fast run (tests, smoke checks). ``scratch``: an empty directory of its own.
    ``postgres_url``: a PostgreSQL server (create scratch databases with
    ``sandbox.bench.services.scratch_database``), None when not given. ``redis_url``: a Redis it may
    write keys of its own to, or None. ``size``/``concurrency``: overrides of the benchmark's main
    size (citizens, rows...) and of how much runs at once, None for its defaults. ``workers``: the survey
    bench's bot as that many webhook worker processes, None for one polling process. ``rate``: the answers
    a second the survey bench's citizens offer together, pausing between actions; None: no pauses.
    ``progress(done,
    total, note)`` updates the progress bar on stderr.
    """

    quick: bool
    scratch: Path
    postgres_url: str | None = None
    redis_url: str | None = None
    size: int | None = None
    concurrency: int | None = None
    workers: int | None = None
    rate: float | None = None
    progress: Progress = _no_progress


def skipped(reason: str) -> Figures:
    """The figures of a variant that could not run, saying why."""
    return {"skipped": reason}
