"""What a member of an approval body does with an agenda item, as use cases: vote, read it, comment.

Each opens its own transaction; a vote or a comment claims the messenger update it answers, so a
re-delivered update changes nothing. Refusals are ``VoteRefused`` (key ``voting.refused.<code>``).
"""

from __future__ import annotations

from dataclasses import dataclass

from backend.context import AppContext, Claim, transaction
from backend.models import AgendaItem
from backend.participants import service as participants
from backend.voting import service
from backend.voting.service import VoteRefused


@dataclass(frozen=True)
class Cast:
    """What a vote press did: the item, whether the member's vote changed (the same choice again
    changes nothing), and ``reason_needed`` when a rejection waits for its typed reason (nothing is
    recorded until it comes)."""

    item: AgendaItem
    changed: bool = False
    reason_needed: bool = False


@dataclass(frozen=True)
class Prompted:
    """The item a prompt (a reason or a comment) is for, if it still exists, and whether its agenda
    still takes votes: a prompt lapses with its agenda."""

    item: AgendaItem | None
    accepting: bool


async def cast_vote(
    app: AppContext, claim: Claim | None, messenger_id: int, item_id: int, choice: str, reason: str | None = None
) -> Cast:
    """Record (or change) the member's vote on the item. A rejection the body wants a reason for,
    pressed without one, asks for it (``reason_needed``); a typed reason that is blank is refused."""
    try:
        async with transaction(app, claim) as session:
            member = await participants.by_messenger_id(session, messenger_id)
            if member is None:
                raise VoteRefused("not_member")
            changed = await service.cast(
                session, app.plan, item_id=item_id, participant=member, choice=choice, reason=reason
            )
            item = await session.get(AgendaItem, item_id)
            assert item is not None  # cast found it
            return Cast(item, changed=changed)
    except VoteRefused as refused:
        if refused.code != "needs_reason" or reason is not None:
            raise
    return Cast(await read_item(app, messenger_id, item_id), reason_needed=True)


async def read_item(app: AppContext, messenger_id: int, item_id: int, *, open_only: bool = False) -> AgendaItem:
    """The item, for a member of the body voting on it only; with ``open_only`` (to comment on it),
    only while its agenda takes votes."""
    async with app.sessions() as session:
        member = await participants.by_messenger_id(session, messenger_id)
        item, agenda = await service.member_item(session, item_id, member)
    if open_only and not service.accepting(agenda):
        raise VoteRefused("closed")
    return item


async def prompted(app: AppContext, item_id: int) -> Prompted:
    """The item a member's prompt is for, and whether its agenda still takes votes."""
    async with app.sessions() as session:
        item = await session.get(AgendaItem, item_id)
        return Prompted(item, await service.item_accepting(session, item_id))


async def comment(app: AppContext, claim: Claim | None, messenger_id: int, item_id: int, text: str) -> None:
    """Keep the member's comment on the item while its agenda is open (audit log, and their vote)."""
    async with transaction(app, claim) as session:
        member = await participants.by_messenger_id(session, messenger_id)
        await service.comment(session, item_id=item_id, participant=member, text=text)
