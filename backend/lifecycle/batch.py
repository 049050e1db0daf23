"""The weekly batch: one message per person per week listing every item of theirs that moved.

An item moved when its subject's latest stage event is newer than the one the person was last told
about (``StageNotice``). People who used /forget (no account link), /mute, or blocked the bot get
nothing. Each chunk of people is one transaction that enqueues their messages (dedupe key: the week
and the person) and records what they were told, so a batch killed midway and run again sends the rest:
none lost, none twice; a person already messaged this week keeps their news for next week.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from backend.context import AppContext, transaction
from backend.lifecycle.mine import Contribution, contributions, pairs
from backend.models import OutboxMessage, Participant, StageNotice
from backend.services.outbox import Outgoing

CHUNK = 1_000  # people per transaction
SHOWN = 10  # items listed in one message; the rest are counted

Render = Callable[[str, Sequence[Contribution], int], str]
"""(language, the items shown, how many more moved) → the message text."""


@dataclass(frozen=True)
class Recipient:
    """A person who can be told: their participant id, chat and language."""

    participant_id: int
    chat_id: int
    language: str


@dataclass(frozen=True)
class BatchReport:
    """What one weekly batch did: people with news, messages queued now, items in them, people already
    messaged this week (their news waits)."""

    recipients: int
    queued: int
    items: int
    already: int


def week_key(week: str, participant_id: int) -> str:
    """The outbox key of a person's message for a week: at most one per person per week."""
    return f"lifecycle:{week}:{participant_id}"


async def _recipients(session: AsyncSession, ids: set[int]) -> dict[int, Recipient]:
    rows = await session.execute(
        select(Participant.id, Participant.telegram_id, Participant.language).where(
            Participant.telegram_id.is_not(None),
            Participant.unreachable_at.is_(None),
            Participant.muted_at.is_(None),
            Participant.forgotten_at.is_(None),
        )
    )
    return {p: Recipient(p, chat, lang) for p, chat, lang in rows.all() if p in ids and chat is not None}


async def news(session: AsyncSession) -> dict[Recipient, list[Contribution]]:
    """Each reachable person's items that moved since they were last told, newest first."""
    given = await pairs(session)
    people = await _recipients(session, {p for p, _ in given})
    items = await contributions(session, sorted({f for p, f in given if p in people}))
    told = {(p, f): e for p, f, e in (await session.execute(select(StageNotice.__table__))).all()}
    moved: dict[Recipient, list[Contribution]] = defaultdict(list)
    for p, f in given:
        item = items.get(f)
        if p in people and item is not None and item.stage.event_id > told.get((p, f), 0):
            moved[people[p]].append(item)
    for found in moved.values():
        found.sort(key=lambda c: (c.stage.event_id, c.finding_id), reverse=True)
    return dict(moved)


def _insert(session: AsyncSession, model: Any) -> Any:
    """The dialect's INSERT (for ON CONFLICT), run as one executemany over many rows."""
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    return dialect.insert(model.__table__)


async def _queue(session: AsyncSession, messages: list[Outgoing]) -> int:
    """Enqueue the messages, skipping keys present (one executemany, not one huge VALUES list)."""
    if not messages:
        return 0
    statement = (
        _insert(session, OutboxMessage)
        .on_conflict_do_nothing(index_elements=["dedupe_key"])
        .returning(OutboxMessage.__table__.c.dedupe_key)
    )
    result = await session.execute(statement, [m.row(None) for m in messages])
    return len(result.all())


async def _told(session: AsyncSession, rows: list[dict[str, int]]) -> None:
    """Record what each person was told (the latest event per item), replacing what they were told before."""
    if not rows:
        return
    statement = _insert(session, StageNotice)
    statement = statement.on_conflict_do_update(
        index_elements=["participant_id", "finding_id"], set_={"event_id": statement.excluded.event_id}
    )
    await session.execute(statement, rows)


async def _send_chunk(
    session: AsyncSession, week: str, chunk: Sequence[tuple[Recipient, list[Contribution]]], render: Render
) -> tuple[int, int, int]:
    keys = [week_key(week, r.participant_id) for r, _ in chunk]
    sent = set(
        (await session.scalars(select(OutboxMessage.dedupe_key).where(OutboxMessage.dedupe_key.in_(keys)))).all()
    )
    fresh = [(r, found) for r, found in chunk if week_key(week, r.participant_id) not in sent]
    messages = [
        Outgoing(
            week_key(week, r.participant_id),
            r.chat_id,
            "sendMessage",
            {"text": render(r.language, found[:SHOWN], max(0, len(found) - SHOWN)), "parse_mode": "HTML"},
        )
        for r, found in fresh
    ]
    queued = await _queue(session, messages)
    await _told(
        session,
        [
            {"participant_id": r.participant_id, "finding_id": c.finding_id, "event_id": c.stage.event_id}
            for r, found in fresh
            for c in found
        ],
    )
    return queued, sum(len(found) for _, found in fresh), len(chunk) - len(fresh)


async def weekly_batch(app: AppContext, week: str, render: Render, *, chunk: int = CHUNK) -> BatchReport:
    """Queue this week's messages (``week``: the week's key, e.g. its first day) for everyone with news."""
    async with app.sessions() as session:
        moved = sorted((await news(session)).items(), key=lambda pair: pair[0].participant_id)
    queued = items = already = 0
    for start in range(0, len(moved), chunk):
        async with transaction(app) as session:
            q, i, a = await _send_chunk(session, week, moved[start : start + chunk], render)
        queued, items, already = queued + q, items + i, already + a
    return BatchReport(len(moved), queued, items, already)
