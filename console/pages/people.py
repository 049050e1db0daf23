"""People: admins, members of each body, facilitators of each working group; an admin revokes a role."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from backend.console import people
from console.auth import Admin, Context, language
from console.render import NavItem, page, redirect

router = APIRouter()
NAV = [NavItem("nav.people", "/people", lambda staff: staff.is_admin)]


@router.get("/people")
async def people_page(request: Request, app: Context, staff: Admin) -> Response:
    """Everyone holding a role, by body and working group, each with a button to revoke it."""
    lang = language(request)

    def scope_name(code: str) -> str:
        named = app.plan.get("body", code) or app.plan.get("working_group", code)
        return named.name(lang) if named else code

    return page(request, "people.html", roster=await people.roster(app), scope_name=scope_name)


@router.post("/people/roles/{role_id}/revoke")
async def revoke_role(app: Context, staff: Admin, role_id: int) -> Response:
    """Revoke one role (the form carries the CSRF token; the change is audited)."""
    await people.revoke(app, staff, role_id)
    return redirect("/people")
