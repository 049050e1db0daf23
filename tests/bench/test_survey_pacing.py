"""The survey benchmark's pace (``--rate``) and its floor (a bot that only replies)."""

from __future__ import annotations

from pathlib import Path
from random import Random

from sandbox.bench.registry import BENCHMARKS, BenchOptions
from sandbox.bench.stats import steady_rate
from sandbox.bench.survey import floor
from sandbox.bench.survey.bench import pacing
from sandbox.bench.survey.citizen import bundled_survey, no_pause, write_script
from tests.bench.test_survey_bench import ANSWERS_PER_CITIZEN, UPDATES_PER_CITIZEN


def test_without_a_rate_citizens_do_not_pause(tmp_path: Path) -> None:
    script = write_script(bundled_survey(), Random(1))
    assert pacing(BenchOptions(quick=True, scratch=tmp_path), 50, script, Random(1)) is no_pause


def test_paced_citizens_together_offer_the_rate(tmp_path: Path) -> None:
    script = write_script(bundled_survey(), Random(1))
    pause = pacing(BenchOptions(quick=True, scratch=tmp_path, rate=40), 100, script, Random(2))
    mean = sum(pause() for _ in range(20_000)) / 20_000
    answers_per_step = ANSWERS_PER_CITIZEN / UPDATES_PER_CITIZEN
    offered = 100 / mean * answers_per_step  # 100 citizens, each acting once per mean pause
    assert 38 < offered < 42


async def test_the_floor_bot_answers_every_step(tmp_path: Path) -> None:
    figures = await floor.run(BenchOptions(quick=True, scratch=tmp_path, size=3, rate=15))  # about 3 s each
    assert figures["bot_mode"] == "floor" and figures["offered_answers_per_s"] == 15
    assert figures["errors"] == 0 and figures["bot_logged_errors"] == 0, figures
    assert figures["updates"] == 3 * UPDATES_PER_CITIZEN and figures["answers"] == 3 * ANSWERS_PER_CITIZEN
    assert figures["cpu_ms_per_update"]["bot"] > 0 and 0 < figures["steady_answers_per_s"] < 30
    assert "floor" in BENCHMARKS


def test_the_steady_rate_counts_only_while_every_slot_is_busy() -> None:
    spans = [(0.0, 10.0), (0.5, 6.0), (1.0, 20.0)]  # three at once from 1 s to 6 s
    moments = [i / 10 for i in range(200)]  # 10 a second throughout
    assert steady_rate(moments, spans, 3) == 10.0
    ramp = [0.2, 0.4, 7.0, 8.0, 15.0]  # outside the full swing: not counted
    assert steady_rate(moments[10:60] + ramp, spans, 3) == 10.0
    assert steady_rate(moments, [(0.0, 0.5), (0.2, 1.0)], 2) is None  # never in full swing for a second
