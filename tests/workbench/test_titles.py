"""A problem's public title: set, cleared, audited, kept by re-integration and listed."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from backend.committee.titles import MAX_TITLE, set_public_title
from backend.context import AppContext, transaction
from backend.errors import Refused
from backend.integration import problems
from backend.models import AuditEntry
from tests.workbench.helpers import TRAFFIC, WASTE, integrate, seed


async def test_public_title_is_set_audited_and_survives_integration(app: AppContext) -> None:
    await seed(app, [TRAFFIC, TRAFFIC + "!", WASTE])
    await integrate(app)
    async with transaction(app) as session:
        first = (await problems.summaries(session))[0]
    assert first.public_title is None

    await set_public_title(app, "committee", first.id, "  ترافیک   بلوار وکیل‌آباد ")
    await set_public_title(app, "committee", first.id, "ترافیک بلوار وکیل‌آباد")  # the same again: no entry
    await integrate(app)
    async with transaction(app) as session:
        listed = {p.id: p for p in await problems.summaries(session)}
        entries = (await session.scalars(select(AuditEntry).where(AuditEntry.action == "problem.public_title"))).all()
    assert listed[first.id].public_title == "ترافیک بلوار وکیل‌آباد"
    assert listed[first.id].title != listed[first.id].public_title  # the citizens' words stay
    assert [(e.actor, e.entity_id, e.data) for e in entries] == [
        ("committee", str(first.id), {"old": None, "new": "ترافیک بلوار وکیل‌آباد"})
    ]

    await set_public_title(app, "committee", first.id, "   ")
    async with transaction(app) as session:
        assert (await problems.get(session, first.id)).public_title is None


async def test_public_title_refusals(app: AppContext) -> None:
    with pytest.raises(Refused) as unknown:
        await set_public_title(app, "committee", 999, "x")
    assert (unknown.value.key, unknown.value.params) == ("workbench.problem.unknown", {"problem": 999})
    await seed(app, [WASTE])
    await integrate(app)
    async with transaction(app) as session:
        problem_id = (await problems.summaries(session))[0].id
    with pytest.raises(Refused) as long:
        await set_public_title(app, "committee", problem_id, "ب" * (MAX_TITLE + 1))
    assert long.value.key == "workbench.title.too_long"
