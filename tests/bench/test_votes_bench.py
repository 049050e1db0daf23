"""The votes benchmark: a quick run counts every press, loses no vote and misses no audit entry."""

from __future__ import annotations

from pathlib import Path
from random import Random
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.engine import URL, make_url

from backend.db import create_engine, session_factory
from backend.models import AgendaItem
from bot.voting.render import CHOICES
from sandbox.bench import votes as bench
from sandbox.bench.registry import BENCHMARKS, BenchOptions
from sandbox.emulator import SimulatedUser

PRESSES_PER_MEMBER = bench.QUICK_ITEMS + 1  # a choice on each item, then one changed


def assert_sane(figures: dict[str, Any]) -> None:
    members, items = bench.QUICK_MEMBERS, bench.QUICK_ITEMS
    assert (figures["members"], figures["items"]) == (members, items)
    assert figures["errors"] == 0, figures.get("error_samples")
    assert figures["bot_logged_errors"] == 0, figures.get("bot_error_samples")
    assert figures["presses"] == figures["presses_answered"] == PRESSES_PER_MEMBER * members
    assert figures["changes"] == members
    assert figures["updates"] == figures["presses"] + figures["reasons"] and figures["reasons"] > 0
    assert (figures["votes_lost"], figures["votes_extra"], figures["audit_missing"], figures["audit_extra"]) == (
        0,
        0,
        0,
        0,
    )
    assert figures["push"]["messages"] == members * (items + 1) and figures["push"]["seconds"] > 0
    assert 0 < figures["presses_per_s"] < figures["updates_per_s"]
    latency = figures["latency_ms"]
    assert 0 < latency["p50"] <= latency["p95"] <= latency["p99"] <= latency["max"] < 30_000
    assert figures["cpu_ms_per_update"]["bot"] > 0 and figures["bot_peak_rss_mib"] > 10


def test_each_member_votes_every_item_then_changes_a_third() -> None:
    presses = bench.plan_presses([11, 12, 13, 14, 15, 16], Random(1))
    assert [p.item for p in presses[:6]] == [11, 12, 13, 14, 15, 16]
    changed = presses[6:]
    assert len(changed) == 2 and len({p.item for p in changed}) == 2
    first = {p.item: p.choice for p in presses[:6]}
    assert all(p.choice != first[p.item] and p.choice in CHOICES for p in changed)
    assert all((p.reason is not None) == (p.choice == "reject") for p in presses)
    assert len(bench.plan_presses([7], Random(2))) == 2  # one item: still one change


def test_registered_with_a_quick_variant() -> None:
    assert BENCHMARKS["votes"].load() is bench.run


async def test_quick_run_on_sqlite_counts_every_press(tmp_path: Path) -> None:
    figures = await bench.run(BenchOptions(quick=True, scratch=tmp_path))
    assert_sane(figures["sqlite"])
    assert figures["sqlite"]["database"] == "sqlite" and figures["sqlite"]["fsm_state"] == "memory"
    assert "MEYDAN_BENCH_POSTGRES_URL" in figures["postgres"]["skipped"]

    # The check is not blind: on the run's database, votes nobody confirmed and a vote never stored show up.
    engine = create_engine(make_url(f"sqlite+aiosqlite:///{tmp_path / 'sqlite' / 'meydan.db'}"))
    try:
        sessions = session_factory(engine)
        async with sessions() as session:
            items = list((await session.scalars(select(AgendaItem.id))).all())
        silent = [
            bench.Member(SimulatedUser("http://unused", "1:x", bench.FIRST_USER_ID + n), [])
            for n in range(bench.QUICK_MEMBERS)
        ]
        stranger = bench.Member(SimulatedUser("http://unused", "1:x", 1), [], done=[bench.Press(items[0], "approve")])
        found = await bench.check(sessions, [*silent, stranger], items)
    finally:
        await engine.dispose()
    members, presses = bench.QUICK_MEMBERS, figures["sqlite"]["presses"]
    assert found == bench.Check(votes_lost=1, votes_extra=members * len(items), audit_missing=1, audit_extra=presses)


@pytest.mark.postgres
@pytest.mark.redis
async def test_quick_run_on_postgres_with_redis_counts_every_press(
    tmp_path: Path, postgres_url: URL, redis_url: str
) -> None:
    options = BenchOptions(quick=True, scratch=tmp_path, redis_url=redis_url)
    figures = await bench.measure(options, "postgres", postgres_url, redis_url)
    assert_sane(figures)
    assert figures["database"] == "postgresql" and figures["fsm_state"] == "redis"
