"""The survey benchmark with the bot as webhook workers: nothing lost, the mode in the figures."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

import pytest
from sqlalchemy.engine import URL

from sandbox.bench.registry import BenchOptions
from sandbox.bench.stats import process_tree, tree_cpu_seconds
from sandbox.bench.survey import bench
from tests.bench.test_survey_bench import assert_complete_run


@pytest.mark.postgres
@pytest.mark.redis
async def test_quick_run_with_two_webhook_workers_loses_nothing(
    tmp_path: Path, postgres_url: URL, redis_url: str
) -> None:
    options = BenchOptions(quick=True, scratch=tmp_path, size=3, redis_url=redis_url, workers=2)
    figures = await bench.measure(options, "postgres", postgres_url, redis_url)
    assert_complete_run(figures, 3)
    assert figures["bot_mode"] == "webhook x2" and figures["fsm_state"] == "redis"


async def test_several_workers_without_redis_are_skipped(tmp_path: Path, sqlite_url: URL) -> None:
    figures = await bench.measure(BenchOptions(quick=True, scratch=tmp_path, workers=2), "sqlite", sqlite_url, None)
    assert "need Redis" in figures["skipped"]


async def test_the_process_tree_holds_the_childrens_children() -> None:
    code = "import subprocess, sys; subprocess.run([sys.executable, '-c', 'import time; time.sleep(30)'])"
    parent = await asyncio.create_subprocess_exec(sys.executable, "-c", code)
    try:
        async with asyncio.timeout(10):
            while len(process_tree(parent.pid)) < 2:
                await asyncio.sleep(0.05)
        tree = process_tree(parent.pid)
        assert tree[0] == parent.pid and len(tree) == 2
        assert (tree_cpu_seconds(parent.pid) or 0) > 0
    finally:
        for pid in process_tree(parent.pid)[1:]:
            os.kill(pid, signal.SIGKILL)
        parent.kill()
        await parent.wait()
