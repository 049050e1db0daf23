"""The survey benchmark: a tiny run completes with nothing lost, and its figures have the right shape."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import URL

from sandbox.bench.registry import BenchOptions
from sandbox.bench.survey import bench

ANSWERS_PER_CITIZEN = 16  # district, age, 5 ranking picks, 6 ratings, problem text and axis, suggestion
UPDATES_PER_CITIZEN = 21  # those, plus /start, consent, the profile's district, opening and submitting


def assert_complete_run(figures: dict[str, Any], citizens: int) -> None:
    assert figures["citizens"] == citizens
    assert figures["errors"] == 0, figures.get("error_samples")
    assert figures["bot_logged_errors"] == 0, figures.get("bot_error_samples")
    assert figures["lost_answers"] == 0 and figures["incomplete_responses"] == 0
    assert figures["answers"] == ANSWERS_PER_CITIZEN * citizens
    assert figures["updates"] == UPDATES_PER_CITIZEN * citizens
    assert 0 < figures["answers_per_s"] < figures["updates_per_s"]
    latency = figures["latency_ms"]
    assert 0 < latency["p50"] <= latency["p95"] <= latency["p99"] <= latency["max"] < 60_000
    assert figures["cpu_ms_per_update"]["bot"] > 0 and figures["cpu_ms_per_update"]["harness"] > 0
    assert figures["bot_peak_rss_mib"] > 10


async def test_quick_run_on_sqlite_loses_nothing(tmp_path: Path) -> None:
    figures = await bench.run(BenchOptions(quick=True, scratch=tmp_path, size=3))
    assert_complete_run(figures["sqlite"], 3)
    assert figures["sqlite"]["database"] == "sqlite" and figures["sqlite"]["fsm_state"] == "memory"
    assert figures["sqlite"]["bot_mode"] == "polling" and figures["sqlite"]["offered_answers_per_s"] is None
    assert "MEYDAN_BENCH_POSTGRES_URL" in figures["postgres"]["skipped"]


@pytest.mark.postgres
@pytest.mark.redis
async def test_quick_run_on_postgres_with_redis_loses_nothing(
    tmp_path: Path, postgres_url: URL, redis_url: str
) -> None:
    options = BenchOptions(quick=True, scratch=tmp_path, size=3, redis_url=redis_url)
    figures = await bench.measure(options, "postgres", postgres_url, redis_url)
    assert_complete_run(figures, 3)
    assert figures["database"] == "postgresql" and figures["fsm_state"] == "redis"


def test_cli_prints_one_json_object(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MEYDAN_")}
    meydan = Path(sys.executable).with_name("meydan")
    done = subprocess.run(
        [str(meydan), "bench", "survey", "--quick", "--citizens", "2"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    assert set(document) == {"machine", "benchmarks", "started_at"}
    assert {"cpu_model", "cores", "memory_mib", "python", "platform", "sqlite_version"} <= set(document["machine"])
    assert_complete_run(document["benchmarks"]["survey"]["sqlite"], 2)
