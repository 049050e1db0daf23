"""Integration review without the web: the page with findings and suggested merges, then merge,
split, confirm and retitle, each audited and each surviving a re-run of integration."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from backend.committee import review
from backend.context import AppContext, transaction
from backend.errors import Refused
from backend.integration import problems
from backend.models import AuditEntry, ProblemFinding
from tests.workbench.helpers import LIGHTS, TRAFFIC, WASTE, integrate, seed

WASTE_2 = "انباشت زباله و بوی بد در بلوار طبرسی کنار پارک"


async def _problem_of(app: AppContext) -> dict[int, int]:
    """Each finding's problem."""
    async with transaction(app) as session:
        links = await session.execute(select(ProblemFinding.finding_id, ProblemFinding.problem_id))
        return dict(links.all())


async def test_suggest_merge_split_confirm_and_retitle_survive_integration(app: AppContext) -> None:
    waste, waste2, lights, traffic = await seed(app, [WASTE, WASTE_2, LIGHTS, TRAFFIC])
    await integrate(app)
    first = (await _problem_of(app))[waste]
    assert (await _problem_of(app))[waste2] == first
    await review.split(app, "committee", first, [waste2])  # kept apart from now on: a merge is suggested
    await integrate(app)
    of = await _problem_of(app)
    assert of[waste] != of[waste2]
    async with transaction(app) as session:
        page = await review.review_page(session, limit=10)
        only = await review.review_page(session, suggested_only=True)
    assert page.total == 4 and len(page.items) == 4
    by_id = {item.id: item for item in page.items}
    suggestion = by_id[of[waste]].suggestions[0]
    assert suggestion.other_id == of[waste2] and suggestion.similarity > 0.8
    assert "بلوار طبرسی" in suggestion.shared and "waste" in suggestion.shared
    assert by_id[of[lights]].suggestions == [] and {i.id for i in only.items} == {of[waste], of[waste2]}
    assert [f.id for f in by_id[of[waste]].shown] == [waste]

    merged = await review.merge(app, "committee", of[waste], of[waste2])
    await integrate(app)
    of = await _problem_of(app)
    assert of[waste] == of[waste2] == merged.id

    new = await review.split(app, "committee", merged.id, [waste2])
    await review.confirm(app, "committee", of[traffic])
    await review.retitle(app, "committee", of[lights], "خاموشی چراغ‌های بلوار طبرسی")
    report = await integrate(app)
    of = await _problem_of(app)
    assert of[waste2] == new.id and of[waste] == merged.id and report.moved == 0
    async with transaction(app) as session:
        lights_problem = await problems.get(session, of[lights])
        actions = (await session.scalars(select(AuditEntry.action).order_by(AuditEntry.id))).all()
    assert lights_problem.title == "خاموشی چراغ‌های بلوار طبرسی" and lights_problem.status == "confirmed"
    assert actions == [
        "problem.split",
        "problem.merge",
        "problem.split",
        "problem.confirm",
        "problem.title",
    ]


async def test_review_refusals(app: AppContext) -> None:
    waste, waste2 = await seed(app, [WASTE, WASTE_2])
    await integrate(app)
    problem = (await _problem_of(app))[waste]
    cases = [
        (review.merge(app, "c", problem, problem), "workbench.review.merge_itself"),
        (review.merge(app, "c", problem, 999), "workbench.problem.unknown"),
        (review.split(app, "c", problem, [waste, waste2]), "workbench.review.split_some"),
        (review.split(app, "c", problem, [12345]), "workbench.review.split_some"),
        (review.retitle(app, "c", problem, "  "), "workbench.title.empty"),
    ]
    for call, key in cases:
        with pytest.raises(Refused) as refused:
            await call
        assert refused.value.key == key
