"""Stages recorded where integration, agendas and decisions happen; progress; the weekly batch; /mine."""

from __future__ import annotations

from collections.abc import Sequence

import pytest
from sqlalchemy import select

from backend.context import AppContext
from backend.errors import MeydanError
from backend.lifecycle import stages
from backend.lifecycle.batch import week_key, weekly_batch
from backend.lifecycle.mine import Contribution, mine
from backend.lifecycle.progress import record_progress
from backend.models import AuditEntry, OutboxMessage
from tests.lifecycle import scenario


def _render(lang: str, items: Sequence[Contribution], more: int) -> str:
    return "|".join(f"{item.finding_id}:{item.stage.stage}" for item in items) + (f"+{more}" if more else "")


async def _outbox(app: AppContext) -> dict[int, list[str]]:
    async with app.sessions() as session:
        rows = (await session.execute(select(OutboxMessage.chat_id, OutboxMessage.payload))).all()
    found: dict[int, list[str]] = {}
    for chat, payload in rows:
        found.setdefault(chat, []).append(payload["text"])
    return found


async def test_stages_follow_the_process(app: AppContext) -> None:
    await scenario.build(app)
    traffic = await scenario.problem_of(app, scenario.TRAFFIC)
    async with app.sessions() as session:
        history = await stages.history(session, traffic)
    assert [s.stage for s in history] == ["integrated", "ranked", "on_agenda", "approved"]
    assert history[1].rank == 1 and history[2].body == history[3].body == scenario.BODY
    assert all(s.at is not None for s in history)
    assert history[0].at <= history[1].at <= history[3].at  # type: ignore[operator]


async def test_rejection_keeps_its_reason_and_progress_reaches_done(app: AppContext) -> None:
    await scenario.build(app, reject_reason="هزینهٔ اجرایی بالا")
    async with app.sessions() as session:
        latest = await stages.latest_all(session)
    rejected = [s for s in latest.values() if s.stage == "rejected"]
    assert len(rejected) == 1 and rejected[0].detail == "هزینهٔ اجرایی بالا"
    traffic = await scenario.problem_of(app, scenario.TRAFFIC)
    async with app.sessions() as session, session.begin():
        stage = await record_progress(session, traffic, percent=40, note="طراحی تقاطع", actor="test")
        again = await record_progress(session, traffic, percent=40, note="طراحی تقاطع", actor="test")
        assert (stage.stage, stage.percent, stage.detail) == ("in_execution", 40, "طراحی تقاطع")
        assert again.event_id == stage.event_id  # the same entry twice: one event
        done = await record_progress(session, traffic, percent=100)
        assert done.stage == "done"
        with pytest.raises(MeydanError, match="between 0 and 100"):
            await record_progress(session, traffic, percent=140)
        with pytest.raises(MeydanError, match="no problem"):
            await record_progress(session, 999_999, percent=10)
    async with app.sessions() as session:
        audited = (
            await session.scalars(select(AuditEntry.action).where(AuditEntry.action == "lifecycle.progress"))
        ).all()
    assert len(audited) == 2


async def test_weekly_batch_one_message_per_person_and_never_twice(app: AppContext) -> None:
    people = await scenario.build(app)
    report = await weekly_batch(app, "2026-12-05", _render)
    sent = await _outbox(app)
    # the citizens, the meeting's facilitator and its NGO; not the muted or the forgotten
    assert set(sent) == {scenario.CHAT + n for n in (1, 4, 5, 6)}
    assert all(len(texts) == 1 for texts in sent.values())
    assert sent[scenario.CHAT + 1][0].count(":approved") == 2  # both of the citizen's items, in one message
    assert sent[scenario.CHAT + 4][0].count(":approved") == sent[scenario.CHAT + 6][0].count(":approved") == 1
    assert (report.recipients, report.queued, report.items) == (4, 4, 5)

    again = await weekly_batch(app, "2026-12-05", _render)  # a rerun of the same week: nothing new
    assert (again.recipients, again.queued) == (0, 0)

    traffic = await scenario.problem_of(app, scenario.TRAFFIC)
    async with app.sessions() as session, session.begin():
        await record_progress(session, traffic, percent=30)
    same_week = await weekly_batch(app, "2026-12-05", _render)
    assert (same_week.queued, same_week.already) == (0, 3)  # at most one a week: the news waits
    next_week = await weekly_batch(app, "2026-12-12", _render)
    assert next_week.queued == 3  # the citizen, the facilitator and the NGO of the traffic problem
    async with app.sessions() as session:
        text = (
            await session.scalars(
                select(OutboxMessage.payload).where(OutboxMessage.dedupe_key == week_key("2026-12-12", people.citizen))
            )
        ).one()["text"]
    assert text.count(":in_execution") == 1 and ":integrated" not in text  # only what moved


async def test_mine_lists_every_item_with_its_stage(app: AppContext) -> None:
    await scenario.build(app)
    async with app.sessions() as session:
        items = await mine(session, scenario.CHAT + 1)
        nobody = await mine(session, 9999)
    assert nobody is None
    assert items is not None and len(items) == 2
    stages_by_text = {item.text: item.stage.stage for item in items}
    assert stages_by_text[scenario.TRAFFIC] == "approved"
    assert all(item.subject == "problem" and item.subject_id for item in items)
