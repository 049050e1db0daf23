"""The people page: who holds which role, and an admin revoking one (CSRF-checked, audited, at once)."""

from __future__ import annotations

from sqlalchemy import select, update

from backend.context import transaction
from backend.models import AuditEntry, Role
from tests.console.conftest import ADMIN_ID, Console, csrf_of

ATTACK = "<img src=x onerror=alert(1)>"


async def test_an_admin_sees_roles_by_body_and_group_and_revokes_one(console: Console, client_as) -> None:
    group = console.context.plan.working_groups[0]
    member = await client_as(("member", "drafting_committee"))
    await console.person(("facilitator", group.code))
    async with transaction(console.context) as session:
        await session.execute(update(Role).where(Role.role == "facilitator").values(organization=ATTACK))
        role_id = await session.scalar(select(Role.id).where(Role.role == "member"))
    admin = await client_as("admin")
    page = (await admin.get("/people")).text
    assert "کمیته تدوین" in page and group.fa in page
    assert ATTACK not in page and "&lt;img src=x onerror=alert(1)&gt;" in page
    assert (await member.get("/")).status_code == 200

    revoked = await admin.post(f"/people/roles/{role_id}/revoke", data={"csrf_token": csrf_of(page)})
    assert revoked.status_code == 303 and revoked.headers["location"] == "/people"
    assert f"/people/roles/{role_id}/revoke" not in (await admin.get("/people")).text
    assert (await member.get("/")).status_code == 401  # no role left: the session serves no one
    async with transaction(console.context) as session:
        entry = await session.scalar(select(AuditEntry).where(AuditEntry.action == "role.revoked"))
    assert entry is not None and entry.actor == f"console:{ADMIN_ID}" and entry.entity_id == str(role_id)
    assert entry.data["role"] == "member" and entry.data["scope"] == "drafting_committee"

    again = await admin.post(f"/people/roles/{role_id}/revoke", data={"csrf_token": csrf_of(page)})
    assert again.status_code == 400 and "دیگر وجود ندارد" in again.text


async def test_the_people_page_in_english(console: Console, client_as) -> None:
    admin = await client_as("admin")
    admin.cookies.set("meydan_lang", "en")
    page = (await admin.get("/people")).text
    assert 'lang="en" dir="ltr"' in page and "People and roles" in page and "has not talked to the bot yet" in page
