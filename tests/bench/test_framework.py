"""The benchmark registry, runner and figures."""

from __future__ import annotations

from pathlib import Path

import pytest
from rich.console import Console
from sqlalchemy.engine import URL

from backend.errors import MeydanError
from sandbox.bench import runner
from sandbox.bench.databases import NO_POSTGRES
from sandbox.bench.options import Progress
from sandbox.bench.registry import BENCHMARKS, Benchmark, BenchOptions
from sandbox.bench.stats import latency_ms


def test_every_registered_benchmark_loads() -> None:
    for benchmark in BENCHMARKS.values():
        assert callable(benchmark.load()), benchmark.target


def test_unknown_names_are_refused_with_the_known_ones() -> None:
    with pytest.raises(MeydanError, match="unknown benchmark nope; known: survey"):
        runner.chosen(["survey", "nope"])
    assert runner.chosen([]) == list(BENCHMARKS)


def test_latency_percentiles_in_milliseconds() -> None:
    figures = latency_ms([i / 1000 for i in range(1, 101)])
    assert figures == {"p50": 50.0, "p95": 95.0, "p99": 99.0, "max": 100.0}
    assert latency_ms([]) == {"p50": None, "p95": None, "p99": None, "max": None}


def sync_figures(options: BenchOptions) -> dict[str, object]:
    options.progress(1, 1, "done")
    return {"quick": options.quick, "scratch": options.scratch.name}


def failing(options: BenchOptions) -> dict[str, object]:
    raise RuntimeError("broken")


async def per_database_figures(size: int, database_url: URL, progress: Progress) -> dict[str, object]:
    progress(size, size, "rows")
    return {"size": size, "backend": database_url.get_backend_name()}


async def test_runner_collects_figures_and_errors(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake = {
        "fine": Benchmark("fine", "a sync benchmark", f"{__name__}:sync_figures"),
        "broken": Benchmark("broken", "one that fails", f"{__name__}:failing"),
        "sized": Benchmark("sized", "one per database", f"{__name__}:per_database_figures", sizes=(1000, 10)),
    }
    monkeypatch.setattr(runner, "BENCHMARKS", fake)
    options = BenchOptions(quick=True, scratch=tmp_path)
    document = await runner.run_benchmarks([], options, Console(stderr=True, quiet=True))
    assert document["benchmarks"] == {
        "fine": {"quick": True, "scratch": "fine"},
        "broken": {"error": "RuntimeError: broken"},
        "sized": {"sqlite": {"size": 10, "backend": "sqlite"}, "postgres": {"skipped": NO_POSTGRES}},
    }
    assert document["machine"]["postgres_version"] is None and document["started_at"]
    assert 0 < document["machine"]["python_loop_ns"] < 10_000
