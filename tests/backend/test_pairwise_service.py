"""The pairwise ranking's use cases on a real database: one answer per participant per pair (a
repeated update changes nothing, a double tap counts once, a changed answer replaces the first),
pairs never asked twice, stale buttons refused, the top of a district and the city, and the
citizens' order beside the committee's."""

from __future__ import annotations

import multiprocessing

import numpy as np
import pytest
from sqlalchemy import delete, func, select

from backend import migrate
from backend.config import load_settings
from backend.context import AppContext
from backend.db import create_engine, session_factory
from backend.errors import Refused
from backend.integration import problems
from backend.models import AuditEntry, PairAnswer, Participant
from backend.pairwise import scopes, service, store
from backend.pairwise.agreement import citizens_order
from backend.participants import service as participants
from backend.plan import load_plan
from backend.services.findings import record_finding
from backend.services.updates import AlreadyProcessed

BOT = 7
CITIZEN = 501
TEXTS = ["ترافیک سنگین در بلوار وکیل‌آباد", "کمبود فضای سبز در حاشیه شهر", "نبود شفافیت در بودجه شهرداری"]


async def _app(sessions) -> AppContext:  # type: ignore[no-untyped-def]
    app = AppContext(
        settings=load_settings(secret_key="pairwise-service-test-key-of-32-chars"),
        plan=load_plan(),
        engine=sessions.kw["bind"],
        sessions=sessions,
    )
    async with sessions() as session, session.begin():
        for text in TEXTS:
            await record_finding(
                session, kind="problem", text=text, source="citizen_poll", district="d03", axis="transport"
            )
        await problems.integrate(session)
        citizen = await participants.join(session, app.secret, CITIZEN, "fa")
        await participants.set_profile(session, citizen, district="d03")
    return app


async def _count(sessions, model) -> int:  # type: ignore[no-untyped-def]
    async with sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def test_one_answer_per_participant_per_pair(sessions) -> None:  # type: ignore[no-untyped-def]
    app = await _app(sessions)
    district = await service.district_for(app, CITIZEN, None)
    assert district == "d03"
    pair = await service.next_pair(app, CITIZEN, district)
    assert pair is not None and {pair.first.title, pair.second.title} <= set(TEXTS)
    ids = (pair.first.id, pair.second.id)

    assert await service.answer(app, (BOT, 1), CITIZEN, ids, "first", district) == service.NEW
    with pytest.raises(AlreadyProcessed):  # the same update delivered again
        await service.answer(app, (BOT, 1), CITIZEN, ids, "first", district)
    assert await service.answer(app, (BOT, 2), CITIZEN, ids, "first", district) == service.SAME  # a double tap
    assert await service.answer(app, (BOT, 3), CITIZEN, ids[::-1], "first", district) == service.CHANGED
    async with sessions() as session:
        [row] = (await session.scalars(select(PairAnswer))).all()
    assert row.choice == ("high" if ids[1] > ids[0] else "low")  # the second shown, now first, won
    assert await _count(sessions, AuditEntry) == 2

    seen = {tuple(sorted(ids))}
    while (following := await service.next_pair(app, CITIZEN, district)) is not None:
        shown = tuple(sorted((following.first.id, following.second.id)))
        assert shown not in seen
        seen.add(shown)
        await service.answer(app, (BOT, 10 + len(seen)), CITIZEN, shown, "unknown", district)
    assert len(seen) == 3  # every pair of three problems, once

    top = await service.top(app, district)
    assert [p.id for p in top.district][:1] == [row.problem_low if row.choice == "low" else row.problem_high]
    assert top.city == top.district


async def test_stale_and_unknown_are_refused(sessions) -> None:  # type: ignore[no-untyped-def]
    app = await _app(sessions)
    pair = await service.next_pair(app, CITIZEN, "d03")
    assert pair is not None
    for ids, pick, district in (
        ((pair.first.id, 999_999), "first", "d03"),  # a problem that is gone
        ((pair.first.id, pair.second.id), "both", "d03"),  # no such pick
        ((pair.first.id, pair.second.id), "first", "d99"),  # no such district
    ):
        with pytest.raises(Refused, match="stale_button"):
            await service.answer(app, (BOT, 1), CITIZEN, ids, pick, district)
    with pytest.raises(Refused) as refused:
        await service.district_for(app, CITIZEN, "d99")
    assert refused.value.key == "pairwise.unknown_district"
    with pytest.raises(Refused, match="stale_button"):
        await service.next_pair(app, CITIZEN, "forged")  # a district not in the plan
    with pytest.raises(Refused) as refused:
        await service.next_pair(app, CITIZEN, "d05")  # no problems raised there
    assert refused.value.key == "pairwise.too_few"
    with pytest.raises(Refused) as refused:
        await service.district_for(app, 404, None)
    assert refused.value.key == "pairwise.join_first"
    with pytest.raises(Refused) as refused:
        await service.next_pair(app, 404, "d03")  # no participant linked to the account
    assert refused.value.key == "pairwise.join_first"
    assert await _count(sessions, PairAnswer) == 0


async def test_citizens_order_beside_the_committees(sessions) -> None:  # type: ignore[no-untyped-def]
    app = await _app(sessions)
    for update in range(3):
        pair = await service.next_pair(app, CITIZEN, "d03")
        assert pair is not None
        await service.answer(app, (BOT, update), CITIZEN, (pair.first.id, pair.second.id), "first", "d03")
    async with sessions() as session:
        order = await citizens_order(session, app.plan)
    assert order.district.tolist() == ["", "d03"] and order.axis.tolist() == ["transport", "transport"]
    assert order.problems.tolist() == [3, 3] and order.answers.tolist() == [3, 3]
    assert all(len(titles) == 3 and set(titles) == set(TEXTS) for titles in order.citizens_top)
    assert order.tau.isna().all()  # the committee's scores tie (one finding each): agreement is undefined


async def test_a_refit_merges_the_answers_since_and_reads_all_when_some_went(sessions) -> None:  # type: ignore[no-untyped-def]
    app = await _app(sessions)
    other = CITIZEN + 1
    async with sessions() as session, session.begin():
        joined = await participants.join(session, app.secret, other, "fa")
        await participants.set_profile(session, joined, district="d03")
    pairs = []
    kept: dict[str, scopes.Answers] = {}
    for update, citizen in enumerate([CITIZEN, other, other, CITIZEN]):
        pair = await service.next_pair(app, citizen, "d03")
        assert pair is not None
        pairs.append((citizen, (pair.first.id, pair.second.id)))
        await service.answer(app, (BOT, update), citizen, (pair.first.id, pair.second.id), "first", "d03")
        if update == 0:
            await _refresh(sessions, kept)
    before = kept["d03"]
    citizen, shown = pairs[0]  # a changed answer is read again and replaces the one fitted
    await service.answer(app, (BOT, 9), citizen, shown[::-1], "first", "d03")

    merged, full = await _refresh(sessions, kept), await _refresh(sessions, {})
    assert len(before.rows) == 1 and len(kept["d03"].rows) == 4
    assert kept["d03"].rows.sort_index().equals(await _rows(sessions))
    assert np.allclose(merged.strengths.value, full.strengths.value)
    async with sessions() as session:  # nothing new: nothing is read or fitted
        assert await scopes.refresh(session, "d03", kept, merged.version) is None

    async with sessions() as session, session.begin():  # the other citizen leaves: their answers go with them
        await session.execute(delete(Participant).where(Participant.telegram_id == other))
    await _refresh(sessions, kept)
    assert len(kept["d03"].rows) == 2 and kept["d03"].rows.sort_index().equals(await _rows(sessions))


async def test_the_fitting_worker_stops_with_the_engine(database_url) -> None:  # type: ignore[no-untyped-def]
    before = set(multiprocessing.active_children())
    engine = create_engine(database_url)
    await migrate.upgrade(engine)
    app = await _app(session_factory(engine))
    assert await service.next_pair(app, CITIZEN, "d03") is not None
    assert set(multiprocessing.active_children()) - before  # fitted in a process of its own
    await engine.dispose()
    assert set(multiprocessing.active_children()) <= before


async def _refresh(sessions, kept: dict[str, scopes.Answers]) -> scopes.Scope:  # type: ignore[no-untyped-def]
    async with sessions() as session:
        scope = await scopes.refresh(session, "d03", kept)
    assert scope is not None
    return scope


async def _rows(sessions):  # type: ignore[no-untyped-def]
    async with sessions() as session:
        return (await store.answers(session, "d03")).sort_index()
