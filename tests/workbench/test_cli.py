"""The committee's work as the command line shows it: ``meydan problems`` sees the workbench's state."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from sqlalchemy.engine import URL

from backend import migrate
from backend.db import create_engine, session_factory, transaction
from backend.services.findings import record_finding
from tests.cli import meydan
from tests.workbench.helpers import TRAFFIC, WASTE

pytestmark = pytest.mark.slow  # runs meydan as a subprocess


async def _build(url: URL) -> None:
    engine = create_engine(url)
    try:
        await migrate.upgrade(engine)
        async with transaction(session_factory(engine)) as session:
            for text in (TRAFFIC, TRAFFIC + "!", WASTE):
                await record_finding(session, kind="problem", text=text, source="elite_interview", axis="transport")
    finally:
        await engine.dispose()


def test_public_title_from_the_command_line(sqlite_url: URL, tmp_path: Path) -> None:
    asyncio.run(_build(sqlite_url))
    assert meydan(tmp_path, sqlite_url, "problems", "integrate").returncode == 0
    done = meydan(tmp_path, sqlite_url, "problems", "public-title", "1", "ترافیک وکیل‌آباد", "--by", "committee")
    assert done.returncode == 0 and "#1 public title: ترافیک وکیل‌آباد" in done.stdout, done.stderr
    listed = meydan(tmp_path, sqlite_url, "problems", "list", "--lang", "en")
    assert "public title" in listed.stdout and "ترافیک وکیل‌آباد" in listed.stdout, listed.stdout
    refused = meydan(tmp_path, sqlite_url, "problems", "public-title", "99", "x")
    assert refused.returncode == 1 and "workbench.problem.unknown" in refused.stderr
