"""Agendas without the web: the board of every body, push now through the composition root's pusher
(into the outbox), extend a deadline; audited."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from backend.committee import agendas
from backend.context import AppContext, transaction
from backend.errors import Refused
from backend.models import AuditEntry, OutboxMessage
from backend.participants import service as participants
from backend.services import roles
from bot.voting.agendas import open_next_agenda
from tests.workbench.helpers import TRAFFIC, WASTE, integrate, seed


async def test_push_extend_and_the_board(app: AppContext) -> None:
    await seed(app, [TRAFFIC, WASTE])
    await integrate(app)
    async with transaction(app) as session:
        member = await participants.join(session, app.secret, 7301, "fa")
        await roles.grant(session, member.id, "member", "drafting_committee")
    agenda = await agendas.push_now(app, "committee", "drafting_committee", open_next_agenda)
    assert agenda is not None and len(agenda.items) == 2
    assert await agendas.push_now(app, "committee", "drafting_committee", open_next_agenda) is None  # one is open
    extended = await agendas.extend(app, "committee", agenda.id, 24)
    assert (extended.deadline - extended.opens_at).total_seconds() == (72 + 24) * 3600
    async with transaction(app) as session:
        boards = {b.body: b for b in await agendas.board(session, app.plan)}
        queued = await session.scalar(select(func.count()).select_from(OutboxMessage))
        actions = (
            await session.scalars(
                select(AuditEntry.action).where(AuditEntry.action.like("agenda.%")).order_by(AuditEntry.id)
            )
        ).all()
    first = boards["drafting_committee"]
    assert first.open is not None and [i.rank for i in first.open.items] == [1, 2]
    assert not first.open.overdue and first.open.items[0].path[0].body == "drafting_committee"
    assert boards["strategic_commission"].open is None
    assert queued == 3  # the header and one message per item for the one member
    assert actions == ["agenda.opened", "agenda.push", "agenda.extend"]
    for hours, key in ((0, "workbench.agendas.bad_hours"), (500, "workbench.agendas.bad_hours")):
        with pytest.raises(Refused) as refused:
            await agendas.extend(app, "committee", agenda.id, hours)
        assert refused.value.key == key
    with pytest.raises(Refused) as unknown:
        await agendas.extend(app, "committee", 999, 1)
    assert unknown.value.key == "workbench.agendas.no_agenda"
