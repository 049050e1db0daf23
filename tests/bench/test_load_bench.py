"""The load benchmark: a small run keeps every answer, throttles its flooder, and reports its figures;
and the check after a run knows which questions a citizen's acknowledged steps answered."""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path
from random import Random
from typing import Any

import pytest
from sqlalchemy.engine import URL

from backend.config import Settings
from sandbox.bench import load
from sandbox.bench.registry import BENCHMARKS, BenchOptions
from sandbox.bench.survey.citizen import bundled_survey, write_script

LIMIT = Settings.model_fields["throttle_limit"].default


def assert_sound_run(figures: dict[str, Any], users: int) -> None:
    assert (figures["users"], figures["flooders"]) == (users, 1)
    assert figures["unanswered"] == 0, figures.get("error_samples")
    assert figures["bot_logged_errors"] == 0, figures.get("bot_error_samples")
    assert figures["lost_answers"] == 0 and figures["missing_participants"] == 0
    assert figures["answers_checked"] > 0 and figures["citizen_actions"] > figures["answers_checked"]
    sent, answered = figures["flood_messages"], figures["flood_answered"]
    assert sent > LIMIT, "the flooder must go over the limit for the run to show anything"
    assert (answered, figures["slow_down_notices"], figures["flood_ignored"]) == (LIMIT, 1, sent - LIMIT)
    latency = figures["latency_ms"]
    assert 0 < latency["p50"] <= latency["p95"] <= latency["p99"] <= latency["max"]
    assert figures["updates_per_s"] > 0 and figures["drain_s"] >= 0 and figures["bot_cpu_ms_per_update"] > 0


async def test_quick_run_on_sqlite(tmp_path: Path) -> None:
    figures = await load.run(BenchOptions(quick=True, scratch=tmp_path, size=12))
    assert_sound_run(figures["sqlite"], 12)
    assert figures["sqlite"]["fsm_state"] == "memory" and "skipped" in figures["postgres"]


@pytest.mark.postgres
@pytest.mark.redis
async def test_quick_run_on_postgres_with_redis(tmp_path: Path, postgres_url: URL, redis_url: str) -> None:
    options = BenchOptions(quick=True, scratch=tmp_path, size=12, redis_url=redis_url)
    figures = await load.measure(options, "postgres", postgres_url, redis_url)
    assert_sound_run(figures, 12)
    assert (figures["database"], figures["fsm_state"]) == ("postgresql", "redis")


def test_acknowledged_steps_map_to_the_questions_they_answer() -> None:
    view = bundled_survey()
    script = write_script(view, Random(7))
    answered = [
        load.answered_questions(view.definition, len(view.plan.axes), script, done)
        for done in range(len(script.steps) + 1)
    ]
    assert answered[0] == [] and answered[-1] == list(script.expected)  # every question, in order
    assert all(later[: len(earlier)] == earlier for earlier, later in pairwise(answered))
    ranking = [step.answer for step in script.steps].index(True) + 2  # district, age, then the ranking's picks
    assert answered[ranking + 4] == ["district", "age_band"]  # four of the five picks: not answered yet
    assert answered[ranking + 5] == ["district", "age_band", "axes_priority"]


def test_registered() -> None:
    assert BENCHMARKS["load"].target == "sandbox.bench.load:run"
