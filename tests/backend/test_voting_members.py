"""A member's use cases on a real database: a vote claims its update once, a rejection waiting for its
reason records nothing, and only members read or comment."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from backend.config import load_settings
from backend.context import AppContext
from backend.errors import Refused
from backend.models import Agenda, AuditEntry, Vote, utcnow
from backend.plan import load_plan
from backend.services.updates import AlreadyProcessed
from backend.voting import members, service
from backend.voting.service import AgendaEntry
from tests.backend.test_voting import _setup

BOT = 1
MEMBER, OUTSIDER = 21, 99


async def test_a_member_votes_once_per_update_and_comments(sessions) -> None:  # type: ignore[no-untyped-def]
    app = AppContext(
        settings=load_settings(secret_key="voting-members-test-key-of-32-chars"),
        plan=load_plan(),
        engine=None,
        sessions=sessions,
    )  # type: ignore[arg-type]
    _, [problem] = await _setup(sessions, "drafting_committee", [MEMBER], 1)
    async with sessions() as session, session.begin():
        agenda = await service.open_agenda(
            session, app.plan, "drafting_committee", [AgendaEntry(problem, 0.9, {"title": "x"})], now=utcnow()
        )
        await session.refresh(agenda, ["items"])
        item_id = agenda.items[0].id

    waiting = await members.cast_vote(app, (BOT, 1), MEMBER, item_id, "reject")
    assert (waiting.reason_needed, waiting.changed, waiting.item.id) == (True, False, item_id)
    cast = await members.cast_vote(app, (BOT, 1), MEMBER, item_id, "approve")  # the refusal released the claim
    assert (cast.changed, cast.reason_needed) == (True, False)
    with pytest.raises(AlreadyProcessed):
        await members.cast_vote(app, (BOT, 1), MEMBER, item_id, "abstain")
    assert (await members.cast_vote(app, (BOT, 2), MEMBER, item_id, "approve")).changed is False
    with pytest.raises(Refused) as blank:
        await members.cast_vote(app, (BOT, 3), MEMBER, item_id, "reject", reason=" ")
    assert blank.value.key == "voting.refused.needs_reason"
    assert (await members.cast_vote(app, (BOT, 4), MEMBER, item_id, "reject", reason="مبهم")).changed

    for refused_outsider in (
        members.cast_vote(app, (BOT, 5), OUTSIDER, item_id, "approve"),
        members.read_item(app, OUTSIDER, item_id),
        members.comment(app, (BOT, 6), OUTSIDER, item_id, "سلام"),
    ):
        with pytest.raises(Refused) as refused:
            await refused_outsider
        assert refused.value.key == "voting.refused.not_member"
    assert (await members.read_item(app, MEMBER, item_id, open_only=True)).id == item_id
    await members.comment(app, (BOT, 7), MEMBER, item_id, "نظر من")

    async with sessions() as session:
        vote = await session.scalar(select(Vote))
        assert (vote.choice, vote.reason, vote.comment) == ("reject", "مبهم", "نظر من")
        actions = list(
            await session.scalars(
                select(AuditEntry.action).where(AuditEntry.entity == "agenda_item").order_by(AuditEntry.id)
            )
        )
        assert actions == ["vote.cast", "vote.changed", "vote.comment"]
        assert await session.scalar(select(func.count()).select_from(Vote)) == 1

    async with sessions() as session, session.begin():
        (await session.get(Agenda, agenda.id)).status = "closed"
    assert (await members.prompted(app, item_id)).accepting is False
    with pytest.raises(Refused) as closed:
        await members.read_item(app, MEMBER, item_id, open_only=True)
    assert closed.value.key == "voting.refused.closed"
    with pytest.raises(Refused) as closed:
        await members.comment(app, (BOT, 8), MEMBER, item_id, "دیر")
    assert closed.value.key == "voting.refused.closed"
