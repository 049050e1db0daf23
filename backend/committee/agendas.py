"""Agendas and the approval chain as the committee follows them: each body's open agenda (items, each
member's vote, quorum, deadline, overdue), its latest results, each item's path through the bodies,
and two actions: push a body's next agenda now and extend an open agenda's deadline (both audited).

Pushing needs the messenger's rendering, which the composition root owns: the adapter passes its
``Pusher`` (the bot's ``open_next_agenda``), and the push goes through the outbox as every push does."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.audit import record
from backend.context import AppContext, transaction
from backend.errors import Refused
from backend.models import Agenda, AgendaItem, Decision, Problem, Vote, utcnow
from backend.plan import Plan
from backend.voting import service as voting

MAX_EXTENSION_HOURS = 168
Pusher = Callable[[AsyncSession, AppContext, str], Awaitable[Agenda | None]]


@dataclass(frozen=True)
class Step:
    """One body's handling of a problem: the agenda, and its outcome (None while the vote is open)."""

    body: str
    agenda_id: int
    outcome: str | None


@dataclass(frozen=True)
class ItemView:
    item_id: int
    problem_id: int
    title: str
    rank: int
    votes: dict[str, str]  # member pseudonym -> choice
    outcome: str | None
    path: list[Step]


@dataclass(frozen=True)
class AgendaView:
    id: int
    status: str
    deadline: datetime
    extended: bool
    overdue: bool
    complete_voters: int
    items: list[ItemView]


@dataclass(frozen=True)
class BodyBoard:
    """One body: its members, its open agenda and its latest closed one (the results)."""

    body: str
    quorum: float
    members: list[str]
    open: AgendaView | None
    latest: AgendaView | None


async def _paths(session: AsyncSession, problem_ids: list[int]) -> dict[int, list[Step]]:
    rows = (
        await session.execute(
            select(AgendaItem.problem_id, Agenda.body, Agenda.id, Decision.outcome)
            .join(Agenda, Agenda.id == AgendaItem.agenda_id)
            .outerjoin(Decision, Decision.agenda_item_id == AgendaItem.id)
            .where(AgendaItem.problem_id.in_(problem_ids))
            .order_by(Agenda.id)
        )
    ).all()
    paths: dict[int, list[Step]] = {}
    for problem_id, body, agenda_id, outcome in rows:
        paths.setdefault(problem_id, []).append(Step(body, agenda_id, outcome))
    return paths


async def _view(session: AsyncSession, agenda: Agenda, names: dict[int, str], now: datetime) -> AgendaView:
    items = list((await session.scalars(select(AgendaItem).where(AgendaItem.agenda_id == agenda.id))).all())
    ids = [item.id for item in items]
    votes: dict[int, dict[str, str]] = {}
    for item_id, participant_id, choice in (
        await session.execute(
            select(Vote.agenda_item_id, Vote.participant_id, Vote.choice).where(Vote.agenda_item_id.in_(ids))
        )
    ).all():
        votes.setdefault(item_id, {})[names.get(participant_id, str(participant_id))] = choice
    decided = select(Decision.agenda_item_id, Decision.outcome).where(Decision.agenda_item_id.in_(ids))
    outcomes: dict[int, str] = {item_id: outcome for item_id, outcome in (await session.execute(decided)).all()}
    titles = dict(
        (
            await session.execute(
                select(Problem.id, Problem.title).where(Problem.id.in_([item.problem_id for item in items]))
            )
        ).all()
    )
    paths = await _paths(session, [item.problem_id for item in items])
    complete = sum(1 for name in names.values() if all(name in votes.get(i, {}) for i in ids)) if ids else 0
    return AgendaView(
        agenda.id,
        agenda.status,
        agenda.deadline,
        agenda.extended,
        agenda.status == "open" and now >= agenda.deadline,
        complete,
        [
            ItemView(
                item.id,
                item.problem_id,
                titles.get(item.problem_id, ""),
                item.rank,
                votes.get(item.id, {}),
                outcomes.get(item.id),
                paths.get(item.problem_id, []),
            )
            for item in sorted(items, key=lambda i: i.rank)
        ],
    )


async def board(session: AsyncSession, plan: Plan, now: datetime | None = None) -> list[BodyBoard]:
    """Every body of the chain, in order, with its open agenda and its latest results."""
    now = now or utcnow()
    boards = []
    for body in plan.bodies:
        members = await voting.members(session, body.code)
        names = {m.id: m.pseudonym[:10] for m in members}
        open_agenda = await voting.open_agenda_of(session, body.code)
        latest = await session.scalar(
            select(Agenda).where(Agenda.body == body.code, Agenda.status != "open").order_by(Agenda.id.desc()).limit(1)
        )
        boards.append(
            BodyBoard(
                body.code,
                body.quorum,
                list(names.values()),
                await _view(session, open_agenda, names, now) if open_agenda else None,
                await _view(session, latest, names, now) if latest else None,
            )
        )
    return boards


async def push_now(app: AppContext, actor: str, body: str, pusher: Pusher) -> Agenda | None:
    """Open the body's next agenda now and queue it for its members (None: one is open or nothing waits)."""
    if app.plan.get("body", body) is None:
        raise Refused("refused.not_found")
    async with transaction(app) as session:
        agenda = await pusher(session, app, body)
        if agenda is not None:
            await session.refresh(agenda, ["items"])
            record(session, actor, "agenda.push", "agenda", agenda.id, body=body, items=len(agenda.items))
        return agenda


async def extend(app: AppContext, actor: str, agenda_id: int, hours: int) -> Agenda:
    """Move an open agenda's deadline ``hours`` later (1 to 168); audited with the old and new deadline."""
    if not 1 <= hours <= MAX_EXTENSION_HOURS:
        raise Refused("workbench.agendas.bad_hours")
    async with transaction(app) as session:
        agenda = await session.get(Agenda, agenda_id)
        if agenda is None or agenda.status != "open":
            raise Refused("workbench.agendas.no_agenda", agenda=agenda_id)
        old = agenda.deadline
        agenda.deadline = old + timedelta(hours=hours)
        record(
            session, actor, "agenda.extend", "agenda", agenda_id,
            old=old.isoformat(), new=agenda.deadline.isoformat(), hours=hours,
        )  # fmt: skip
        return agenda
