"""Agendas, votes and decisions: an item climbs the approval chain body by body.

Every vote and change is written to the append-only audit log. Callback data only ever
names an item; everything else (membership, agenda open, deadline, reason) is checked here
on every press.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.errors import MeydanError, Refused
from backend.lifecycle import stages
from backend.models import VOTE_CHOICES, Agenda, AgendaItem, AuditEntry, Decision, Participant, Role, Vote, utcnow
from backend.participants import service as participants
from backend.plan import ApprovalBody, Plan
from backend.voting.rules import Outcome, Tally, decide

MEMBER = "member"


@dataclass(frozen=True)
class AgendaEntry:
    """One ranked item handed to a body: the problem, its score and the explanation behind it."""

    problem_id: int
    score: float
    explanation: dict[str, Any] = field(default_factory=dict)


class VoteRefused(Refused):
    """A press that may not count; ``code`` says why (not_member, closed, unknown_item, needs_reason, bad_choice)."""

    def __init__(self, code: str) -> None:
        super().__init__(f"voting.refused.{code}")
        self.code = code


@dataclass(frozen=True)
class AgendaClosing:
    """What closing one agenda did: ``extended`` once for lack of quorum, or ``decided``."""

    agenda: Agenda
    action: str
    decisions: list[Decision]


def body_of(plan: Plan, code: str) -> ApprovalBody:
    """The approval body with ``code``; a MeydanError naming the known ones otherwise."""
    body = plan.get("body", code)
    if body is None:
        raise MeydanError(f"no approval body {code!r}; the plan has {', '.join(b.code for b in plan.bodies)}")
    return body  # type: ignore[return-value]


def audit(session: AsyncSession, action: str, entity: str, entity_id: object, actor: str | None, **data: Any) -> None:
    """Append one entry to the audit log (never updated or deleted)."""
    session.add(AuditEntry(at=utcnow(), actor=actor, action=action, entity=entity, entity_id=str(entity_id), data=data))


async def members(session: AsyncSession, body: str) -> list[Participant]:
    """The body's members, reachable or not, in the order they joined."""
    query = (
        select(Participant)
        .join(Role, Role.participant_id == Participant.id)
        .where(Role.role == MEMBER, Role.scope == body, Participant.telegram_id.is_not(None))
        .order_by(Role.id)
    )
    return list((await session.scalars(query)).all())


@dataclass(frozen=True)
class Recipients:
    """Whom a push to a body reaches, and the members it skips because they blocked the bot."""

    reached: list[Participant]
    skipped: list[Participant]


async def recipients(session: AsyncSession, body: str) -> Recipients:
    """The body's members split by whether pushes can reach them (in the order they joined)."""
    everyone = await members(session, body)
    return Recipients(
        [m for m in everyone if participants.reachable(m)], [m for m in everyone if not participants.reachable(m)]
    )


async def is_member(session: AsyncSession, participant_id: int, body: str) -> bool:
    """Whether the participant is a member of the body."""
    return (
        await session.scalar(
            select(Role.id)
            .where(Role.participant_id == participant_id, Role.role == MEMBER, Role.scope == body)
            .limit(1)
        )
        is not None
    )


async def open_agenda_of(session: AsyncSession, body: str) -> Agenda | None:
    """The body's agenda that is still open for votes, if any."""
    return await session.scalar(select(Agenda).where(Agenda.body == body, Agenda.status == "open"))


async def waiting(session: AsyncSession, plan: Plan, body: str, ranked: list[int] | None = None) -> list[int]:
    """Problems waiting at ``body``: those whose latest decision passed or returned them there,
    and for the first body also ``ranked`` problems never decided; none already on an open agenda.
    In ``ranked`` order where given (others after it, in order of arrival)."""
    latest = dict(
        (
            await session.execute(
                select(AgendaItem.problem_id, Decision.next_body)
                .join(Decision, Decision.agenda_item_id == AgendaItem.id)
                .order_by(Decision.id)
            )
        ).all()
    )
    on_open = set(
        (await session.scalars(select(AgendaItem.problem_id).join(Agenda).where(Agenda.status == "open"))).all()
    )
    found = [p for p, nxt in latest.items() if nxt == body and p not in on_open]
    if body == plan.bodies[0].code:
        found += [p for p in ranked or [] if p not in latest and p not in on_open]
    order = {p: i for i, p in enumerate(ranked or [])}
    return sorted(found, key=lambda p: order.get(p, len(order)))


async def returned_reasons(session: AsyncSession, problem_ids: list[int]) -> dict[int, list[str]]:
    """For problems sent back to the first body, the reasons given with their latest rejection."""
    rows = (
        await session.execute(
            select(AgendaItem.problem_id, Decision.outcome, Decision.tally)
            .join(Decision)
            .where(AgendaItem.problem_id.in_(problem_ids))
            .order_by(Decision.id)
        )
    ).all()
    latest = {problem: (outcome, tally) for problem, outcome, tally in rows}
    return {p: list(tally.get("reasons", [])) for p, (outcome, tally) in latest.items() if outcome == Outcome.REJECTED}


async def open_agenda(
    session: AsyncSession, plan: Plan, body_code: str, entries: list[AgendaEntry], now: datetime | None = None
) -> Agenda:
    """Open an agenda of the body's ``agenda_size`` first entries, voting until the window ends."""
    body = body_of(plan, body_code)
    if await open_agenda_of(session, body.code) is not None:
        raise MeydanError(f"{body.code} already has an open agenda; it closes at its deadline")
    if not entries:
        raise MeydanError(f"nothing is waiting for {body.code}")
    now = now or utcnow()
    agenda = Agenda(body=body.code, opens_at=now, deadline=now + timedelta(hours=body.voting_window_hours))
    session.add(agenda)
    await session.flush()
    for rank, entry in enumerate(entries[: body.agenda_size], start=1):
        session.add(
            AgendaItem(
                agenda_id=agenda.id,
                problem_id=entry.problem_id,
                rank=rank,
                score=entry.score,
                explanation=entry.explanation,
            )
        )
    await session.flush()
    await stages.record(session, _agenda_events(plan, agenda, entries[: body.agenda_size]))
    audit(
        session, "agenda.opened", "agenda", agenda.id, None, body=body.code, items=min(len(entries), body.agenda_size)
    )
    return agenda


def _agenda_events(plan: Plan, agenda: Agenda, entries: list[AgendaEntry]) -> list[dict[str, Any]]:
    """The stages an agenda records: each problem on the body's agenda, and ranked (#n by current
    priority) when it is the first body's."""
    key, at = f"agenda{agenda.id}", agenda.opens_at
    events = []
    for position, entry in enumerate(entries, start=1):
        if agenda.body == plan.bodies[0].code:
            rank = int(entry.explanation.get("rank") or position)
            events.append(stages.event(key, entry.problem_id, "ranked", at=at, rank=rank))
        events.append(stages.event(key, entry.problem_id, "on_agenda", at=at, body=agenda.body, rank=position))
    return events


async def member_item(
    session: AsyncSession, item_id: int, participant: Participant | None
) -> tuple[AgendaItem, Agenda]:
    """The item and its agenda, for a member of the body it is before; VoteRefused otherwise."""
    item = await session.get(AgendaItem, item_id)
    if item is None:
        raise VoteRefused("unknown_item")
    agenda = await session.get(Agenda, item.agenda_id)
    if participant is None or agenda is None or not await is_member(session, participant.id, agenda.body):
        raise VoteRefused("not_member")
    return item, agenda


def accepting(agenda: Agenda, now: datetime | None = None) -> bool:
    """Whether the agenda still takes votes (open and before its deadline)."""
    return agenda.status == "open" and (now or utcnow()) < agenda.deadline


async def item_accepting(session: AsyncSession, item_id: int, now: datetime | None = None) -> bool:
    """Whether the item's agenda still takes votes (a prompt for it expires with it)."""
    item = await session.get(AgendaItem, item_id)
    agenda = None if item is None else await session.get(Agenda, item.agenda_id)
    return agenda is not None and accepting(agenda, now)


async def cast(
    session: AsyncSession,
    plan: Plan,
    *,
    item_id: int,
    participant: Participant,
    choice: str,
    reason: str | None = None,
    now: datetime | None = None,
) -> bool:
    """Record (or change) a member's vote on an item while its agenda is open; VoteRefused otherwise.

    False, with nothing written, when the press changes nothing (the same choice again, and for a
    rejection no other reason).
    """
    if choice not in VOTE_CHOICES:
        raise VoteRefused("bad_choice")
    item, agenda = await member_item(session, item_id, participant)
    now = now or utcnow()
    if not accepting(agenda, now):
        raise VoteRefused("closed")
    vote = await session.scalar(
        select(Vote).where(Vote.agenda_item_id == item.id, Vote.participant_id == participant.id)
    )
    if vote is not None and vote.choice == choice and reason in (None, vote.reason):
        return False
    if choice == "reject" and body_of(plan, agenda.body).reject_needs_reason and not (reason or "").strip():
        raise VoteRefused("needs_reason")
    previous = None if vote is None else vote.choice
    if vote is None:
        vote = Vote(agenda_item_id=item.id, participant_id=participant.id)
        session.add(vote)
    vote.choice, vote.reason, vote.updated_at = choice, reason if choice == "reject" else None, now
    await session.flush()
    audit(
        session,
        "vote.cast" if previous is None else "vote.changed",
        "agenda_item",
        item.id,
        participant.pseudonym,
        choice=choice,
        previous=previous,
        reason=vote.reason,
        body=agenda.body,
    )
    return True


async def tallies(session: AsyncSession, agenda: Agenda, member_count: int) -> dict[int, Tally]:
    """Each item's tally out of the body's members."""
    counts: dict[int, Counter[str]] = {item.id: Counter() for item in agenda.items}
    rows = await session.execute(
        select(Vote.agenda_item_id, Vote.choice, func.count())
        .join(AgendaItem)
        .where(AgendaItem.agenda_id == agenda.id)
        .group_by(Vote.agenda_item_id, Vote.choice)
    )
    for item_id, choice, n in rows.all():
        counts[item_id][choice] = n
    return {item_id: Tally(member_count, c["approve"], c["reject"], c["abstain"]) for item_id, c in counts.items()}


async def non_voters(session: AsyncSession, agenda: Agenda) -> list[Participant]:
    """Members who have not voted on every item of the agenda (they get reminders)."""
    complete = set(
        (
            await session.scalars(
                select(Vote.participant_id)
                .join(AgendaItem)
                .where(AgendaItem.agenda_id == agenda.id)
                .group_by(Vote.participant_id)
                .having(func.count() >= len(agenda.items))
            )
        ).all()
    )
    return [m for m in await members(session, agenda.body) if m.id not in complete]


async def close_due(session: AsyncSession, plan: Plan, now: datetime | None = None) -> list[AgendaClosing]:
    """Apply each body's rule to every open agenda past its deadline.

    An agenda where some item lacks quorum is extended once by its voting window; after
    that such items are decided ``no_quorum`` (flagged to the admins). Approved items move
    to the next body; rejected ones go back to the first body with the reasons.
    """
    now = now or utcnow()
    due = (await session.scalars(select(Agenda).where(Agenda.status == "open", Agenda.deadline <= now))).all()
    closings = []
    for agenda in due:
        body = body_of(plan, agenda.body)
        await session.refresh(agenda, ["items"])
        counted = await tallies(session, agenda, len(await members(session, agenda.body)))
        outcomes = {i: decide(t, body.quorum, body.pass_rule) for i, t in counted.items()}
        if Outcome.NO_QUORUM in outcomes.values() and not agenda.extended:
            agenda.extended, agenda.deadline = True, agenda.deadline + timedelta(hours=body.voting_window_hours)
            audit(session, "agenda.extended", "agenda", agenda.id, None, deadline=agenda.deadline.isoformat())
            closings.append(AgendaClosing(agenda, "extended", []))
            continue
        decisions = [
            await _decision(session, plan, body, item, counted[item.id], outcomes[item.id]) for item in agenda.items
        ]
        agenda.status = "closed"
        audit(session, "agenda.closed", "agenda", agenda.id, None, outcomes=dict(Counter(d.outcome for d in decisions)))
        closings.append(AgendaClosing(agenda, "decided", decisions))
    return closings


async def _decision(
    session: AsyncSession, plan: Plan, body: ApprovalBody, item: AgendaItem, tally: Tally, outcome: Outcome
) -> Decision:
    reasons = (
        await session.scalars(
            select(Vote.reason).where(Vote.agenda_item_id == item.id, Vote.choice == "reject", Vote.reason.is_not(None))
        )
    ).all()
    nxt = plan.next_body(body.code)
    first = plan.bodies[0].code
    next_body = {
        Outcome.APPROVED: nxt.code if nxt else None,
        Outcome.REJECTED: first if body.code != first else None,
        Outcome.NO_QUORUM: None,
    }[outcome]
    decision = Decision(
        agenda_item_id=item.id,
        outcome=outcome.value,
        next_body=next_body,
        tally={
            "members": tally.members,
            "approve": tally.approve,
            "reject": tally.reject,
            "abstain": tally.abstain,
            "reasons": list(reasons),
        },
    )
    session.add(decision)
    await session.flush()
    await stages.record(session, _decision_events(body, item, decision, nxt is None))
    return decision


def _decision_events(body: ApprovalBody, item: AgendaItem, decision: Decision, last: bool) -> list[dict[str, Any]]:
    """A decision's stages: approved or rejected by the body (with the reasons), and in the plan
    once the last body approves."""
    if decision.outcome not in (Outcome.APPROVED, Outcome.REJECTED):
        return []
    key, at, problem = f"decision{decision.id}", decision.created_at, item.problem_id
    reasons = "؛ ".join(dict.fromkeys(decision.tally.get("reasons", []))) or None  # each reason once
    events = [stages.event(key, problem, decision.outcome, at=at, body=body.code, detail=reasons)]
    if decision.outcome == Outcome.APPROVED and last:
        events.append(stages.event(key, problem, "in_plan", at=at, body=body.code))
    return events


async def comment(session: AsyncSession, *, item_id: int, participant: Participant | None, text: str) -> None:
    """Keep a member's comment on an item while its agenda is open (audit log and their vote);
    VoteRefused otherwise."""
    item, agenda = await member_item(session, item_id, participant)
    if not accepting(agenda):
        raise VoteRefused("closed")
    assert participant is not None  # a member
    vote = await session.scalar(
        select(Vote).where(Vote.agenda_item_id == item.id, Vote.participant_id == participant.id)
    )
    if vote is not None:
        vote.comment = text
    audit(session, "vote.comment", "agenda_item", item.id, participant.pseudonym, text=text, body=agenda.body)
    return None


@dataclass(frozen=True)
class AgendaStatus:
    """One body's open agenda at a glance (``meydan agenda status``)."""

    body: str
    agenda_id: int
    deadline: datetime
    extended: bool
    items: int
    members: int
    votes: int
    not_done: int


async def status(session: AsyncSession, plan: Plan) -> list[AgendaStatus]:
    """Every body's open agenda with its votes so far, in chain order."""
    rows = []
    for body in plan.bodies:
        agenda = await open_agenda_of(session, body.code)
        if agenda is None:
            continue
        await session.refresh(agenda, ["items"])
        votes = (
            await session.scalar(
                select(func.count()).select_from(Vote).join(AgendaItem).where(AgendaItem.agenda_id == agenda.id)
            )
            or 0
        )
        rows.append(
            AgendaStatus(
                body.code,
                agenda.id,
                agenda.deadline,
                agenda.extended,
                len(agenda.items),
                len(await members(session, body.code)),
                votes,
                len(await non_voters(session, agenda)),
            )
        )
    return rows
