"""The benchmarks ``meydan bench`` knows: register one with one line in ``BENCHMARKS``.

Two shapes of benchmark function, named by ``"module:function"`` so a module is imported only
when its benchmark runs:

- ``function(size, database_url, progress)`` (sync or async) measuring one database and
  returning its figures; give ``sizes=(default, quick)`` and it runs on SQLite and, when a
  server is given, on a scratch PostgreSQL database (``sandbox.bench.databases``)::

      Benchmark("imports", "rows/s importing a 137 export", "sandbox.bench.imports:bench_import",
                sizes=(100_000, 5_000)),

- ``run(options: BenchOptions) -> figures`` (sync or async) for anything else, e.g. ``survey``.

Figures are JSON-ready values; a variant that cannot run is ``{"skipped": "why"}``. Helpers:
``sandbox.bench.services`` (scratch PostgreSQL databases), ``sandbox.bench.stats`` (latency percentiles,
CPU time, peak memory). For a function run in this process, measure its peak memory with
``tracemalloc`` (its own allocations, unaffected by earlier benchmarks; it slows Python code, so
time a separate run).
"""

from __future__ import annotations

import importlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from sandbox.bench.options import BenchOptions, Figures, skipped

__all__ = ["BENCHMARKS", "BenchOptions", "Benchmark", "Figures", "skipped"]

BenchFunction = Callable[[BenchOptions], Figures | Awaitable[Figures]]


@dataclass(frozen=True)
class Benchmark:
    """A named benchmark, described for ``--help``, found at ``target`` ("package.module:function").

    ``sizes`` (default, quick) marks a per-database ``function(size, database_url, progress)``.
    """

    name: str
    description: str
    target: str
    sizes: tuple[int, int] | None = None

    def load(self) -> BenchFunction:
        """Import the benchmark's module and return its ``run(options)``."""
        from sandbox.bench.databases import per_database  # asyncpg and redis: only when benchmarks run

        module, _, name = self.target.partition(":")
        function = getattr(importlib.import_module(module), name)
        return function if self.sizes is None else per_database(function, self.sizes)


def _by_name(*benchmarks: Benchmark) -> dict[str, Benchmark]:
    return {b.name: b for b in benchmarks}


BENCHMARKS: dict[str, Benchmark] = _by_name(
    Benchmark(
        "survey",
        "simulated citizens complete the bundled survey: emulator over HTTP, polling, handlers, "
        "database; answers/s and latency on SQLite and PostgreSQL",
        "sandbox.bench.survey.bench:run",
    ),
    Benchmark(
        "floor",
        "the survey benchmark's citizens on a bot that only replies (the same Bot API calls, no "
        "database or logic): the ceiling this machine sets for any bot",
        "sandbox.bench.survey.floor:run",
    ),
    Benchmark(
        "load",
        "1,000 users for a bounded time, 1% flooding: throughput, citizens' latency, throttled "
        "flooders, lost answers (0)",
        "sandbox.bench.load:run",
    ),
    Benchmark(
        "votes",
        "committee members vote on a pushed agenda with buttons (and change some votes) through the "
        "full stack: presses/s, latency, votes lost and audit entries missing (both 0)",
        "sandbox.bench.votes:run",
    ),
    Benchmark(
        "broadcast",
        "a push through the outbox sender into the emulator with flood limits on: messages/s "
        "against its limit, 429s, duplicates and lost (both 0)",
        "sandbox.bench.broadcast:bench_broadcast",
        sizes=(1000, 200),
    ),
    Benchmark(
        "xlsforms",
        "each XLSForm of the corpus (tests/data/xlsforms) imported or refused: seconds per form (aim: under 1 s each)",
        "sandbox.bench.xlsforms:bench_xlsforms",
    ),
    Benchmark(
        "imports",
        "a generated 100,000-row 137 export imported, then imported again (adds nothing): rows/s",
        "sandbox.bench.imports:bench_import",
        sizes=(100_000, 5_000),
    ),
    Benchmark(
        "console",
        "the web console: the dashboard's figures over N survey answers (1,000,000) and page latency "
        "(p50/p95/p99) while 20 signed-in staff browse at once, on SQLite and PostgreSQL",
        "sandbox.bench.console:run",
    ),
    Benchmark(
        "workbench",
        "the console's committee workbench: the integration review page over N problems (10,000) and ten "
        "times as many findings, paginated, and a re-rank after a weight change, as rendered pages",
        "sandbox.bench.workbench:run",
    ),
    Benchmark(
        "aggregation",
        "findings by six dimensions, survey results and coverage over N survey answers "
        "(1,000,000): seconds and peak memory",
        "sandbox.bench.aggregation:bench_aggregation",
        sizes=(1_000_000, 50_000),
    ),
    Benchmark(
        "integration",
        "integration's pairwise precision, recall and adjusted Rand index on the hand-written "
        "complaints (tuning and held-out files), then N complaints made from them for volume (100,000) "
        "integrated and re-run: seconds, peak memory",
        "sandbox.bench.integration:bench_integration",
        sizes=(100_000, 5_000),
    ),
    Benchmark(
        "digest",
        "the weekly digest over N survey answers (1,000,000) and their findings: seconds to build "
        "its figures and to write HTML, XLSX and charts (aim: under 15 s)",
        "sandbox.bench.digest:bench_digest",
        sizes=(1_000_000, 50_000),
    ),
    Benchmark(
        "prioritization",
        "ranking, explanation and the 1,000-draw stability of N problems (10,000): seconds and peak memory",
        "sandbox.bench.prioritization:bench_prioritization",
        sizes=(10_000, 1_000),
    ),
    Benchmark(
        "news",
        "the weekly news of what became of people's items for N contributors (100,000), queued through "
        "the outbox: seconds (aim: under 60 s), then the same week again (queues nothing)",
        "sandbox.bench.lifecycle:bench_news",
        sizes=(100_000, 5_000),
    ),
    Benchmark(
        "publish",
        "the public site for N problems (10,000; 10 findings each) written as static files in Persian and "
        "English with the open data: seconds (aim: under 30 s)",
        "sandbox.bench.lifecycle:bench_publish",
        sizes=(10_000, 500),
    ),
    Benchmark(
        "pairwise",
        "citizens' pairwise ranking: Bradley-Terry strengths of 5,000 problems from 1,000,000 answers "
        "(aim: under 10 s), and choosing the next pair while 50 citizens answer at once (aim: p99 under 20 ms)",
        "sandbox.bench.pairwise:run",
    ),
)
