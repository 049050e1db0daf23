"""Agendas, votes and decisions on a real database: the chain, the rules, the audit log."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from backend.errors import MeydanError
from backend.models import AuditEntry, Decision, Problem, Role
from backend.participants import service as participants
from backend.plan import load_plan
from backend.voting import service as voting
from backend.voting.service import AgendaEntry, VoteRefused

NOW = datetime(2026, 3, 14, 6, 0, tzinfo=UTC)


async def _setup(sessions, body: str, member_ids: list[int], problems: int):  # type: ignore[no-untyped-def]
    async with sessions() as session, session.begin():
        members = []
        for messenger_id in member_ids:
            member = await participants.join(session, b"k", messenger_id, "fa")
            session.add(Role(participant_id=member.id, role="member", scope=body))
            members.append(member)
        items = [Problem(title=f"مسئله {i}", axis="transport") for i in range(problems)]
        session.add_all(items)
        await session.flush()
        return members, [p.id for p in items]


async def test_votes_decide_and_items_climb_the_chain(sessions) -> None:  # type: ignore[no-untyped-def]
    plan = load_plan()
    members, problem_ids = await _setup(sessions, "drafting_committee", [1, 2, 3], 3)
    async with sessions() as session, session.begin():
        entries = [AgendaEntry(p, 1.0 - i / 10, {"title": f"مسئله {i}"}) for i, p in enumerate(problem_ids)]
        agenda = await voting.open_agenda(session, plan, "drafting_committee", entries, now=NOW)
        with pytest.raises(MeydanError, match="already has an open agenda"):
            await voting.open_agenda(session, plan, "drafting_committee", entries, now=NOW)
        await session.refresh(agenda, ["items"])
        first, second, third = agenda.items
        a, b, c = members
        await voting.cast(session, plan, item_id=first.id, participant=a, choice="approve", now=NOW)
        await voting.cast(session, plan, item_id=first.id, participant=b, choice="approve", now=NOW)
        await voting.cast(session, plan, item_id=first.id, participant=c, choice="reject", reason="هزینه زیاد", now=NOW)
        with pytest.raises(VoteRefused) as refused:
            await voting.cast(session, plan, item_id=second.id, participant=a, choice="reject", now=NOW)
        assert refused.value.code == "needs_reason"
        await voting.cast(session, plan, item_id=second.id, participant=a, choice="approve", now=NOW)
        await voting.cast(session, plan, item_id=second.id, participant=a, choice="reject", reason="تکراری", now=NOW)
        await voting.cast(session, plan, item_id=second.id, participant=b, choice="reject", reason="مبهم", now=NOW)
        await voting.cast(session, plan, item_id=third.id, participant=a, choice="abstain", now=NOW)
        assert [m.id for m in await voting.non_voters(session, agenda)] == [b.id, c.id]  # a voted on all three

    late = NOW + timedelta(hours=73)
    async with sessions() as session, session.begin():
        outsider = await participants.join(session, b"k", 99, "fa")
        with pytest.raises(VoteRefused) as refused:
            await voting.cast(session, plan, item_id=first.id, participant=outsider, choice="approve", now=NOW)
        assert refused.value.code == "not_member"
        with pytest.raises(VoteRefused) as refused:
            await voting.cast(session, plan, item_id=first.id, participant=a, choice="reject", reason="x", now=late)
        assert refused.value.code == "closed"
        [closing] = await voting.close_due(session, plan, now=late)
        assert closing.action == "extended"  # the third item lacks quorum (1 of 3 < 0.5)
    async with sessions() as session, session.begin():
        assert await voting.close_due(session, plan, now=late) == []
        [closing] = await voting.close_due(session, plan, now=late + timedelta(hours=72))
        outcomes = {d.agenda_item_id: (d.outcome, d.next_body, d.tally["reasons"]) for d in closing.decisions}
    assert outcomes == {
        first.id: ("approved", "strategic_commission", ["هزینه زیاد"]),
        second.id: ("rejected", None, ["تکراری", "مبهم"]),
        third.id: ("no_quorum", None, []),
    }
    async with sessions() as session:
        assert await voting.waiting(session, plan, "strategic_commission") == [first.problem_id]
        assert await voting.waiting(session, plan, "drafting_committee", problem_ids) == []
        entries = await session.scalars(
            select(AuditEntry).where(AuditEntry.entity == "agenda_item").order_by(AuditEntry.id)
        )
        audit = [(e.action, e.data.get("choice"), e.data.get("previous")) for e in entries]
    assert audit.count(("vote.changed", "reject", "approve")) == 1
    assert len([a for a in audit if a[0].startswith("vote.")]) == 7


async def test_rejection_by_a_later_body_returns_to_the_committee(sessions) -> None:  # type: ignore[no-untyped-def]
    plan = load_plan()
    members, [problem] = await _setup(sessions, "strategic_commission", [11, 12], 1)
    async with sessions() as session, session.begin():
        agenda = await voting.open_agenda(
            session, plan, "strategic_commission", [AgendaEntry(problem, 0.9, {"title": "x"})], now=NOW
        )
        await session.refresh(agenda, ["items"])
        for member in members:
            await voting.cast(
                session,
                plan,
                item_id=agenda.items[0].id,
                participant=member,
                choice="reject",
                reason="نیاز به بازنگری",
                now=NOW,
            )
        [closing] = await voting.close_due(session, plan, now=NOW + timedelta(hours=80))
        [decision] = closing.decisions
        assert (decision.outcome, decision.next_body) == ("rejected", "drafting_committee")
        assert await voting.waiting(session, plan, "drafting_committee", []) == [problem]
        assert (await session.scalar(select(Decision))).tally["reasons"] == ["نیاز به بازنگری"] * 2
