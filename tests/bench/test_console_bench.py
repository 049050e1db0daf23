"""``meydan bench console`` on a small database: the figures it prints come from a real run."""

from __future__ import annotations

from pathlib import Path

from sandbox.bench.console import run
from sandbox.bench.options import BenchOptions


async def test_the_console_benchmark_times_the_dashboard_and_staff_browsing(tmp_path: Path) -> None:
    figures = await run(BenchOptions(quick=True, scratch=tmp_path, size=1_200, concurrency=3))
    sqlite = figures["sqlite"]
    assert sqlite["answers"] == 1_200 and sqlite["staff"] == 3
    assert 0 < sqlite["dashboard_seconds"] < 60 and sqlite["pages"] >= 3
    latency = sqlite["page_latency_ms"]
    assert 0 < latency["p50"] <= latency["p99"] <= latency["max"]
    assert "skipped" in figures["postgres"]  # no server given
