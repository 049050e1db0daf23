"""``meydan bench votes``: committee members vote on a pushed agenda through the full stack.

The stack is the survey benchmark's (``sandbox.bench.survey.stack``): the emulator here, the bot as
``meydan run`` in a process of its own. N members (24; quick: 4) join the drafting committee with
invite links (``/start i_<token>``); the survey benchmark's 8 problem statements (quick: 3) become
problems (findings, integration); the committee's agenda opens (``open_next_agenda``) and the bot's
outbox sender pushes the header and one message per item to every member. Then every member, all at
once (or ``concurrency`` at a time), presses a choice on each item in rank order and afterwards
changes a third of them; a rejection asks for a reason, which the member types. No think time: this
measures throughput, and the latency under that load.

Figures per variant: ``presses`` made and ``presses_answered`` as expected (equal), ``changes``,
``reasons`` typed, ``updates`` (presses and reasons), their rates over the voting's wall time,
``latency_ms`` from a press's HTTP request to the bot's answer to the callback query, the bot's and
the harness's CPU per update, the push (messages; seconds from opening the agenda, ranking included,
until every member had every item), failed members (``errors``), errors in the bot's log, and from
the database afterwards ``votes_lost`` (a member's last choice or reason not stored),
``votes_extra``, ``audit_missing`` and ``audit_extra`` (``vote.cast``/``vote.changed`` entries
against the confirmed votes): all four must be 0.
"""

from __future__ import annotations

import asyncio
import secrets
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from random import Random
from typing import Any

from aiohttp import ClientSession, TCPConnector
from sqlalchemy import select
from sqlalchemy.engine import URL
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from backend.config import load_settings
from backend.context import AppContext
from backend.db import create_engine, session_factory
from backend.integration import problems
from backend.models import AgendaItem, AuditEntry, Participant, Vote
from backend.plan import Plan, load_plan
from backend.services import invites
from backend.services.findings import record_finding
from backend.voting import service as voting
from bot.i18n import t
from bot.meetings.links import INVITE_PREFIX
from bot.sessions import KEY_PREFIX
from bot.voting.agendas import open_next_agenda
from bot.voting.callbacks import VoteButton
from bot.voting.render import CHOICES, body_name, item_heading
from sandbox.bench.databases import each_stack
from sandbox.bench.options import BenchOptions, Figures
from sandbox.bench.services import delete_keys
from sandbox.bench.stats import cpu_ms_per_update, latency_ms, with_samples
from sandbox.bench.survey.citizen import PROBLEMS
from sandbox.bench.survey.stack import Stack, bot_environment, running_stack, stack_cpu
from sandbox.emulator import SimulatedUser
from sandbox.emulator.users import Message

MEMBERS, QUICK_MEMBERS = 24, 4
ITEMS, QUICK_ITEMS = len(PROBLEMS), 3  # agenda items, one per problem statement
CHANGED_SHARE = 1 / 3  # of the items each member votes on again, with another choice
WEIGHTS = (0.5, 0.25, 0.25)  # approve, reject, abstain
REASONS = ("هزینه اجرایی بالا", "با برنامه‌های دیگر همپوشانی دارد", "شواهد کافی نیست", "اولویت پایین")
FIRST_USER_ID = 8_000_000
LANG = "fa"
STEP_TIMEOUT, PUSH_TIMEOUT = 30.0, 120.0
AUDITED = ("vote.cast", "vote.changed")


@dataclass(frozen=True)
class Press:
    """One vote: ``choice`` on agenda item ``item``, with the reason typed after a rejection."""

    item: int
    choice: str
    reason: str | None = None


@dataclass
class Member:
    """A committee member: the presses to make, the item messages received, and what happened."""

    user: SimulatedUser
    presses: list[Press]
    messages: dict[int, int] = field(default_factory=dict)  # item id -> message id
    latencies: list[float] = field(default_factory=list)
    done: list[Press] = field(default_factory=list)  # votes the bot confirmed, in order
    made: int = 0  # presses sent
    answered: int = 0  # presses answered as expected
    error: str | None = None


def plan_presses(items: Sequence[int], rng: Random) -> list[Press]:
    """A choice on every item in order, then another choice on a third of them (at least one)."""

    def press(item: int, choice: str) -> Press:
        return Press(item, choice, rng.choice(REASONS) if choice == "reject" else None)

    first = [press(item, rng.choices(CHOICES, WEIGHTS)[0]) for item in items]
    changed = rng.sample(first, max(1, round(len(items) * CHANGED_SHARE)))
    return first + [press(p.item, rng.choice([c for c in CHOICES if c != p.choice])) for p in changed]


async def _seed_problems(sessions: async_sessionmaker[AsyncSession], plan: Plan, count: int) -> None:
    """The first ``count`` problem statements as citizens' findings, integrated into problems."""
    async with sessions() as session, session.begin():
        for n, text in enumerate(PROBLEMS[:count]):
            for source in plan.sources[: n % 3 + 1]:  # raised by one to three sources: distinct ranks
                await record_finding(
                    session,
                    kind="problem",
                    text=text,
                    source=source.code,
                    axis=plan.axes[n % len(plan.axes)].code,
                    stakeholder_group="citizens",
                    severity=3,
                )
        await problems.integrate(session)


async def _join(app: AppContext, body: str, user: SimulatedUser) -> None:
    """An invite to ``body`` created as ``meydan invite member`` does, opened by the member in the bot."""
    async with app.sessions() as session, session.begin():
        token = await invites.create(session, app.secret, app.plan, "member", body)
    await user.start(INVITE_PREFIX + token)
    await user.wait_for_message(contains=body_name(app.plan, body, LANG), timeout=STEP_TIMEOUT)


def _item_of(message: Message) -> int | None:
    """The agenda item whose vote buttons a message carries, if any."""
    for row in (message.get("reply_markup") or {}).get("inline_keyboard") or []:
        for button in row:
            try:
                return VoteButton.unpack(button.get("callback_data", "")).i
            except ValueError:  # another button
                continue
    return None


async def _receive(member: Member, items: int) -> None:
    """Wait for the pushed header and every item message; note each item's message id."""
    for _ in range(items + 1):
        message = await member.user.wait_for_message(timeout=PUSH_TIMEOUT)
        if (item := _item_of(message)) is not None:
            member.messages[item] = message["message_id"]
    if len(member.messages) != items:
        raise RuntimeError(f"member {member.user.user_id} got {len(member.messages)} of {items} agenda items")


async def _vote(member: Member, press: Press, headings: dict[int, str]) -> None:
    """Press the choice and time the answer; after a rejection, type the reason when asked."""
    user, data = member.user, VoteButton(i=press.item, a=press.choice).pack()
    began = time.perf_counter()
    update = await user.press(data=data, message_id=member.messages[press.item])
    member.made += 1
    answer = await user.wait_for_answer(update["callback_query"]["id"], timeout=STEP_TIMEOUT)
    member.latencies.append(time.perf_counter() - began)
    recorded = t("voting.recorded", LANG, choice=t(f"voting.{press.choice}", LANG))
    expected = None if press.choice == "reject" else recorded
    if answer.get("show_alert") or (answer.get("text") or None) != expected:
        raise RuntimeError(f"item {press.item}: the press on {press.choice} was answered {answer.get('text')!r}")
    member.answered += 1
    if press.reason is not None:
        await user.wait_for_message(t("voting.reason_prompt", LANG, item=headings[press.item]), STEP_TIMEOUT)
        await user.send(press.reason)
        await user.wait_for_message(recorded, STEP_TIMEOUT)
    member.done.append(press)


async def _take_part(
    member: Member, headings: dict[int, str], gate: asyncio.Semaphore, pressed: Callable[[], None]
) -> None:
    """All of a member's presses, one after another; a failure stops the member and is kept."""
    async with gate:
        for number, press in enumerate(member.presses, start=1):
            try:
                await _vote(member, press, headings)
            except Exception as exc:  # a member's failure is a figure of the benchmark, not its end
                member.error = f"press {number} ({press.choice} on {press.item}): {exc.__class__.__name__}: {exc}"
                return
            pressed()


@dataclass(frozen=True)
class Check:
    """The database against the confirmed votes: each count must be 0."""

    votes_lost: int
    votes_extra: int
    audit_missing: int
    audit_extra: int


async def check(sessions: async_sessionmaker[AsyncSession], members: Sequence[Member], items: Sequence[int]) -> Check:
    """Each member's last vote per item (choice and reason) in ``votes``, and one audit entry per vote."""
    wanted_votes: dict[tuple[int, int], tuple[str, str | None]] = {}
    wanted_audit: Counter[tuple[Any, ...]] = Counter()
    for member in members:
        user, last = member.user.user_id, dict[int, str]()
        for press in member.done:
            action = "vote.changed" if press.item in last else "vote.cast"
            wanted_audit[(user, press.item, action, press.choice, last.get(press.item), press.reason)] += 1
            last[press.item] = press.choice
            wanted_votes[(user, press.item)] = (press.choice, press.reason)
    async with sessions() as session:
        people = {
            row.id: row
            for row in await session.scalars(
                select(Participant).where(Participant.telegram_id.in_([m.user.user_id for m in members]))
            )
        }
        by_pseudonym: dict[str | None, int | None] = {p.pseudonym: p.telegram_id for p in people.values()}
        stored = {
            (people[p].telegram_id, i): (c, r)
            for i, p, c, r in await session.execute(
                select(Vote.agenda_item_id, Vote.participant_id, Vote.choice, Vote.reason).where(
                    Vote.agenda_item_id.in_(items)
                )
            )
        }
        audited = Counter(
            _audited(e, by_pseudonym)
            for e in await session.scalars(
                select(AuditEntry).where(
                    AuditEntry.entity == "agenda_item",
                    AuditEntry.action.in_(AUDITED),
                    AuditEntry.entity_id.in_([str(i) for i in items]),
                )
            )
        )
    return Check(
        votes_lost=sum(stored.get(key) != vote for key, vote in wanted_votes.items()),
        votes_extra=len(stored.keys() - wanted_votes.keys()),
        audit_missing=sum((wanted_audit - audited).values()),
        audit_extra=sum((audited - wanted_audit).values()),
    )


def _audited(entry: AuditEntry, telegram_ids: dict[str | None, int | None]) -> tuple[Any, ...]:
    """An audit entry of an agenda item as the check compares it: voter, item, action, choice, previous, reason."""
    assert entry.entity_id is not None, "entries of agenda items name the item"
    data = entry.data
    return (
        telegram_ids.get(entry.actor),
        int(entry.entity_id),
        entry.action,
        data.get("choice"),
        data.get("previous"),
        data.get("reason"),
    )


def _app(stack: Stack, database_url: str, redis_url: str | None, workdir: Path) -> AppContext:
    """The bot's settings (same secret, so its invites are the bot's) over a database of this process."""
    env = bot_environment(stack.token, stack.emulator.base_url, database_url, redis_url, workdir / "data")
    settings = load_settings(
        **{k.removeprefix("MEYDAN_").lower(): v for k, v in env.items() if k.startswith("MEYDAN_") and v}
    )
    engine = create_engine(settings.db_url)
    return AppContext(settings=settings, plan=load_plan(), engine=engine, sessions=session_factory(engine))


async def _agenda(app: AppContext, body: str, count: int) -> dict[int, str]:
    """Open the body's agenda (pushed through the outbox); its items' ids and headings in rank order."""
    async with app.sessions() as session, session.begin():
        # the bot's weekly job may have opened it first (its push reaches the same members)
        agenda = await open_next_agenda(session, app, body) or await voting.open_agenda_of(session, body)
        if agenda is None:
            raise RuntimeError(f"no agenda opened for {body}")
        items = (
            await session.scalars(select(AgendaItem).where(AgendaItem.agenda_id == agenda.id).order_by(AgendaItem.rank))
        ).all()
    if len(items) != count:
        raise RuntimeError(f"the agenda has {len(items)} items, expected {count}")
    return {item.id: item_heading(item, LANG) for item in items}


async def _vote_through(options: BenchOptions, stack: Stack, app: AppContext, name: str) -> Figures:
    """Members join, the agenda is pushed, every member votes; the figures before the database check."""
    count = QUICK_ITEMS if options.quick else ITEMS
    size = options.size or (QUICK_MEMBERS if options.quick else MEMBERS)
    body = app.plan.bodies[0].code  # the drafting committee, where agendas start
    async with ClientSession(connector=TCPConnector(limit=0)) as http:
        users = [
            SimulatedUser(
                stack.emulator.base_url, stack.token, FIRST_USER_ID + n, "عضو", language_code=LANG, session=http
            )
            for n in range(size)
        ]
        await asyncio.gather(*(_join(app, body, user) for user in users))
        await _seed_problems(app.sessions, app.plan, count)
        began = time.perf_counter()
        headings = await _agenda(app, body, count)
        members = [Member(user, plan_presses(list(headings), Random(user.user_id))) for user in users]
        total, made = sum(len(m.presses) for m in members), 0
        options.progress(made, total, f"{name} push")
        await asyncio.gather(*(_receive(member, count) for member in members))
        push_s = time.perf_counter() - began

        def pressed() -> None:
            nonlocal made
            made += 1
            options.progress(made, total, f"{name} presses")

        gate = asyncio.Semaphore(options.concurrency or size)
        cpu_before, began = stack_cpu(stack), time.perf_counter()
        await asyncio.gather(*(_take_part(member, headings, gate, pressed) for member in members))
        wall, cpu_after = time.perf_counter() - began, stack_cpu(stack)
    verified = await check(app.sessions, members, list(headings))
    presses = sum(m.made for m in members)
    reasons = sum(p.reason is not None for m in members for p in m.done)
    failures = [m.error for m in members if m.error]
    figures: Figures = {
        "members": size,
        "items": count,
        "concurrency": min(options.concurrency or size, size),
        "push": {"messages": size * (count + 1), "seconds": round(push_s, 2)},
        "presses": presses,
        "presses_answered": sum(m.answered for m in members),
        "changes": sum(len(m.done) - len({p.item for p in m.done}) for m in members),
        "reasons": reasons,
        "updates": presses + reasons,
        "wall_s": round(wall, 2),
        "presses_per_s": round(presses / wall, 1),
        "updates_per_s": round((presses + reasons) / wall, 1),
        "latency_ms": latency_ms([s for m in members for s in m.latencies]),  # answered presses only
        "cpu_ms_per_update": cpu_ms_per_update(cpu_before, cpu_after, presses + reasons),
        "errors": len(failures),
        **vars(verified),
    }
    if failures:
        figures["error_samples"] = failures[:3]
    return figures


async def measure(options: BenchOptions, name: str, database_url: URL, redis_url: str | None) -> Figures:
    """One variant: the stack on this database (and Redis), the committee voting through it, the check after."""
    bot_id = 600_000_000 + secrets.randbelow(10**8)  # its own Redis keys: meydan:<bot_id>:...
    url, workdir = database_url.render_as_string(hide_password=False), options.scratch / name
    try:
        async with running_stack(f"{bot_id}:meydan-bench", url, redis_url, workdir) as stack:
            app = _app(stack, url, redis_url, workdir)
            try:
                figures = await _vote_through(options, stack, app, name)
            finally:
                await app.engine.dispose()
    finally:
        if redis_url:
            await delete_keys(redis_url, f"{KEY_PREFIX}:{bot_id}:*")
    figures = {
        "database": database_url.get_backend_name(),
        "fsm_state": "redis" if redis_url else "memory",
        **figures,
        "bot_logged_errors": len(stack.bot_errors),
        "bot_peak_rss_mib": stack.bot_peak_rss_mib,
    }
    return with_samples(figures, [], stack.bot_errors)


async def run(options: BenchOptions) -> Figures:
    """The ``sqlite`` variant (in-memory conversation state), then ``postgres`` (Redis state if given)."""
    return await each_stack(options, measure)
