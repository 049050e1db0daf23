"""The digest's numbers on a fixed data set equal hand-computed values, on SQLite and PostgreSQL."""

from __future__ import annotations

import pandas as pd
import pytest

from backend.db import transaction
from backend.digest.build import Digest, build_digest
from backend.digest.period import week_period
from backend.plan import Plan
from tests.digest.conftest import BUILT, Sessions

NONE = None


@pytest.fixture
async def digest(fixture_data: tuple[Sessions, dict[str, int]], plan: Plan) -> Digest:
    sessions, _ = fixture_data
    async with transaction(sessions) as session:
        return await build_digest(session, plan, week_period(1403, 8), top=3, now=BUILT)


def _rows(table: pd.DataFrame) -> dict[object, tuple[int, int, int]]:
    """Non-zero rows as (current, previous, change)."""
    return {
        key: (row.current, row.previous, row.change) for key, row in table.iterrows() if row.current or row.previous
    }


async def test_participation_this_week_against_last(digest: Digest) -> None:
    participation = digest.participation
    assert _rows(participation.totals) == {
        "responses_completed": (3, 1, 2),  # citizens 1-3 in W08, citizen 5 in W07
        "responses_started": (4, 1, 3),  # citizen 4 stopped halfway
        "new_participants": (4, 1, 3),  # committee members joined in January
        "meetings": (2, 1, 1),  # the council interview of 1403-W09 is not counted
        "findings": (7, 3, 4),  # two from citizens' answers, five from facilitators; 23:00 Friday is W07
    }
    assert _rows(participation.meetings) == {"elite_interview": (1, 1, 0), "civil_society_forum": (1, 0, 1)}
    findings = participation.findings
    assert _rows(findings["kind"]) == {"problem": (6, 3, 3), "strategy": (1, 0, 1)}
    assert list(findings["kind"].index) == ["problem", "strategy", "policy", "project"]  # every kind, zeros too
    assert _rows(findings["axis"]) == {"transport": (6, 1, 5), "services_safety": (1, 2, -1)}
    assert _rows(findings["district"]) == {"d01": (2, 3, -1), "d05": (1, 0, 1), NONE: (4, 0, 4)}
    assert list(findings["district"].index)[-1] is None  # unspecified last
    assert _rows(findings["stakeholder_group"]) == {
        "citizens": (2, 2, 0),
        "city_council": (2, 0, 2),
        "civil_society": (1, 0, 1),
        "executive_agencies": (1, 0, 1),
        "elites": (1, 1, 0),
    }
    assert _rows(findings["working_group"]) == {  # citizens' answers name no working group
        "hq.transport": (5, 1, 4),
        "d01.services_safety": (0, 2, -2),
        NONE: (2, 0, 2),
    }


async def test_coverage_at_the_end_of_the_week(digest: Digest) -> None:
    matrix = digest.coverage
    transport = matrix.loc["hq.transport"]
    assert {
        s: int(transport[s])
        for s in ("elite_interview", "council_interview", "civil_society_forum", "agency_interview", "citizen_poll")
    } == {
        "elite_interview": 2,
        "council_interview": 2,
        "civil_society_forum": 1,
        "agency_interview": 1,
        "citizen_poll": 0,
    }  # the elite interview of the next week is left out
    assert transport["used"] == 4
    assert matrix.loc["d01.services_safety", "neighborhood_council"] == 2


async def test_top_problems_move_since_last_week(digest: Digest, fixture_data: tuple[Sessions, dict[str, int]]) -> None:
    _, problems = fixture_data
    top = digest.top
    assert list(top.index) == [problems["traffic"], problems["lighting"], problems["parking"]]
    assert list(top["rank"]) == [1, 2, 3]
    assert list(top.mentions) == [4, 2, 1]  # at the week's end: traffic's fifth finding came later
    assert [None if pd.isna(p) else int(p) for p in top.previous_rank] == [2, 1, None]
    assert list(top.move) == ["up", "down", "new"]
    assert list(top.stability) == [1.0, 1.0, 1.0]  # three problems, top three
    assert top.score.is_monotonic_decreasing


async def test_approval_chain(digest: Digest) -> None:
    table = digest.approvals
    assert table.loc["drafting_committee"].to_dict() == {
        "waiting": 1,
        "on_agenda": 0,
        "approved": 1,
        "rejected": 1,
        "no_quorum": 0,
        "overdue_votes": 0,
    }
    # waiting: traffic, never decided; parking was rejected by the first body itself, so it leaves the chain
    assert table.loc["strategic_commission"].to_dict() == {
        "waiting": 0,
        "on_agenda": 1,
        "approved": 0,
        "rejected": 0,
        "no_quorum": 0,
        "overdue_votes": 1,
    }
    assert table.loc[["supreme_council", "city_council"]].to_numpy().sum() == 0


async def test_open_survey_results_at_the_end_of_the_week(digest: Digest) -> None:
    [section] = digest.surveys
    results = section.results
    assert int(results.completion.completed.sum()) == 4 and int(results.completion.started.sum()) == 5
    values = results.values.set_index(["question", "value"])["count"]
    assert values.loc["age_band"].to_dict() == {"age_18_29": 2, "age_30_44": 2}
    assert values.loc["rate_transport"].to_dict() == {1: 1, 2: 1, 4: 1, 5: 1}
