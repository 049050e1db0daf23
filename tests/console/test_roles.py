"""The role dependencies page groups declare: a member of body X, a facilitator of working group Y."""

from __future__ import annotations

from fastapi import APIRouter

from console.auth import FacilitatorOf, MemberOfBody
from tests.console.conftest import Console


def _scoped_pages(console: Console) -> None:
    router = APIRouter()

    @router.get("/bodies/{body}")
    async def body_page(body: str, staff: MemberOfBody) -> dict[str, str]:
        return {"body": body}

    @router.get("/groups/{working_group}")
    async def group_page(working_group: str, staff: FacilitatorOf) -> dict[str, str]:
        return {"group": working_group}

    console.app.include_router(router)


async def test_members_and_facilitators_reach_only_their_own_body_and_group(console: Console, client_as) -> None:
    _scoped_pages(console)
    group, other = (wg.code for wg in console.context.plan.working_groups[:2])
    member = await client_as(("member", "drafting_committee"))
    assert (await member.get("/bodies/drafting_committee")).json() == {"body": "drafting_committee"}
    refused = await member.get("/bodies/strategic_commission")
    commission = console.context.plan.get("body", "strategic_commission")
    assert refused.status_code == 403 and f"عضو مرجع «{commission.fa}» نیستید" in refused.text
    facilitator = await client_as(("facilitator", group))
    assert (await facilitator.get(f"/groups/{group}")).status_code == 200
    assert (await facilitator.get(f"/groups/{other}")).status_code == 403
    assert (await facilitator.get("/bodies/drafting_committee")).status_code == 403
    admin = await client_as("admin")
    assert (await admin.get("/bodies/strategic_commission")).status_code == 200
    assert (await admin.get(f"/groups/{other}")).status_code == 200
    async with console.client() as nobody:
        assert (await nobody.get("/bodies/drafting_committee")).status_code == 401
