"""``meydan demo`` runs every stage to the end on the embedded default."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from rich.console import Console
from sqlalchemy import func, select

from backend.db import create_engine, session_factory
from backend.integration.reading import Reader
from backend.models import Agenda, AgendaItem, Decision, Problem, Response
from backend.plan import load_plan
from sandbox.demo import run_demo


@pytest.mark.slow  # the whole process, from the survey to the digest
async def test_a_small_demo_runs_to_the_end(tmp_path: Path) -> None:
    out = io.StringIO()
    settings = await run_demo(tmp_path / "demo", Console(file=out, width=120), citizens=3)
    printed = out.getvalue()
    assert "3 of 3 citizens completed the survey" in printed
    assert "4 facilitators logged 4 meetings" in printed
    assert "became citizen_poll findings" in printed and "approved items are on the commission's agenda" in printed
    assert "the weekly digest: 9 messages (summary, HTML, XLSX) reached the 3 members" in printed
    assert re.search(r"The demo took \d+\.\d s \(3 citizens\)", printed)
    lines = printed.splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("Digest:"))
    named = [Path(line.split()[-1]) for line in lines[at : at + 2]]
    assert [p.suffix for p in named] == [".html", ".xlsx"] and all(p.stat().st_size > 10_000 for p in named)
    assert named[0].parent == tmp_path / "demo" / "digests"
    engine = create_engine(settings.db_url)
    try:
        async with session_factory(engine)() as session:
            assert (
                await session.scalar(select(func.count()).select_from(Response).where(Response.status == "completed"))
                == 3
            )
            bodies = (await session.scalars(select(Agenda.body).order_by(Agenda.id))).all()
            assert bodies == ["drafting_committee", "strategic_commission"]
            assert await session.scalar(select(func.count()).select_from(Decision)) > 0
            titles = (
                await session.scalars(
                    select(Problem.title)
                    .join(AgendaItem, AgendaItem.problem_id == Problem.id)
                    .where(AgendaItem.agenda_id == select(func.min(Agenda.id)).scalar_subquery())
                )
            ).all()
        # no two items of the committee's agenda are the same issue at the same place
        readings = Reader().read_all(titles, load_plan().places)
        assert len({(r.places[:1], r.issues[:1]) for r in readings}) == len(titles) > 1, titles
    finally:
        await engine.dispose()
