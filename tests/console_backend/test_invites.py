"""Invites from the console: created with a link, listed with their state, revoked (audited) and then refused."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from backend.console import invites as staff
from backend.context import AppContext, transaction
from backend.errors import Refused
from backend.models import AuditEntry, Invite, utcnow
from backend.participants import service as participants
from backend.services import invites
from tests.console_backend.conftest import ADMIN, MEMBER


def _token(link: str) -> str:
    return link.rsplit("start=i_", 1)[1]


async def test_create_list_and_revoke(app: AppContext) -> None:
    link = await staff.create(app, ADMIN, "facilitator", "hq.transport", 7)
    assert link.startswith("https://t.me/meydan_test_bot?start=i_")
    used = await staff.create(app, ADMIN, "member", "drafting_committee", 3)
    await invites.redeem_link(app, (1, 1), 501, "fa", _token(used))
    (second, first) = await staff.listing(app, ADMIN)
    assert (first.invite.role, first.state, second.state) == ("facilitator", "open", "used")
    assert (await staff.listing(app, ADMIN, now=utcnow() + timedelta(days=8)))[1].state == "expired"

    revoked = await staff.revoke(app, ADMIN, first.invite.id)
    assert revoked.revoked_at is not None
    assert (await staff.revoke(app, ADMIN, first.invite.id)).revoked_at == revoked.revoked_at  # a repeat
    assert [line.state for line in await staff.listing(app, ADMIN)] == ["used", "revoked"]
    with pytest.raises(invites.InviteRefused) as refused:
        await invites.redeem_link(app, (1, 2), 502, "fa", _token(link))
    assert refused.value.reason == "revoked"
    async with transaction(app) as session:
        assert await participants.by_messenger_id(session, 502) is None  # a refused link writes nothing
        audit = (await session.scalars(select(AuditEntry).order_by(AuditEntry.id))).all()
    assert [(a.action, a.actor) for a in audit] == [
        ("invite.created", ADMIN.actor),
        ("invite.created", ADMIN.actor),
        ("invite.revoked", ADMIN.actor),
    ]
    with pytest.raises(Refused) as used_one:
        await staff.revoke(app, ADMIN, second.invite.id)
    assert used_one.value.key == "invites.refused.revoke_used"


async def test_bad_invites_are_refused_with_a_reason(app: AppContext) -> None:
    for role, scope, days, key in (
        ("admin", "", 7, "invites.refused.role"),
        ("facilitator", "hq.nowhere", 7, "invites.refused.scope_facilitator"),
        ("ngo", "12", 7, "invites.refused.scope_ngo"),
        ("member", "drafting_committee", 0, "invites.refused.days"),
    ):
        with pytest.raises(Refused) as refused:
            await staff.create(app, ADMIN, role, scope, days)
        assert refused.value.key == key
    with pytest.raises(Refused) as unknown:
        await staff.revoke(app, ADMIN, 999)
    assert unknown.value.key == "invites.refused.unknown"
    with pytest.raises(Refused) as member:
        await staff.create(app, MEMBER, "member", "drafting_committee", 7)
    assert member.value.key == "refused.admin_only"
    assert [staff.read_days(text) for text in ("", "۱۴", "٣", "30")] == [staff.DEFAULT_DAYS, 14, 3, 30]
    with pytest.raises(Refused):
        staff.read_days("a week")
    async with transaction(app) as session:
        assert (await session.scalars(select(Invite))).all() == []
