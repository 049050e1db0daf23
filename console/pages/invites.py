"""Invites: create a facilitator, NGO forum or member invite (its link and QR code, shown once), see which
are used, expired or revoked, and revoke an open one."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from backend.console import invites, meetings
from backend.console.staff import Staff
from backend.context import AppContext
from console.auth import Admin, Context, Lang
from console.qr import qr_data_uri
from console.render import NavItem, page, redirect

router = APIRouter()
NAV = [NavItem("nav.invites", "/invites", lambda staff: staff.is_admin)]


def _scope_name(app: AppContext, role: str, scope: str, lang: str) -> str:
    """A scope as people read it: the working group's or body's name, or the forum's number."""
    if role == "ngo":
        return scope
    named = app.plan.get("body", scope) or app.plan.get("working_group", scope)
    return named.name(lang) if named else scope


async def _page(request: Request, app: AppContext, staff: Staff, lang: str, created: dict[str, str] | None) -> Response:
    forums = await meetings.open_forums(app, staff)
    scopes = {
        "facilitator": [(g.code, g.name(lang)) for g in app.plan.working_groups],
        "member": [(b.code, b.name(lang)) for b in app.plan.bodies]
        + [(g.code, g.name(lang)) for g in app.plan.working_groups],
        "ngo": [(str(f.meeting.id), f.meeting.organizations or "") for f in forums],
    }
    return page(
        request,
        "invites.html",
        lines=await invites.listing(app, staff),
        scopes=scopes,
        scope_name=lambda role, scope: _scope_name(app, role, scope, lang),
        default_days=invites.DEFAULT_DAYS,
        max_days=invites.MAX_DAYS,
        created=created,
    )


@router.get("/invites")
async def invites_page(request: Request, app: Context, staff: Admin, lang: Lang) -> Response:
    """Every invite with its state, and the forms to make new ones."""
    return await _page(request, app, staff, lang, created=None)


@router.post("/invites")
async def create(
    request: Request,
    app: Context,
    staff: Admin,
    lang: Lang,
    role: Annotated[str, Form()],
    scope: Annotated[str, Form()],
    days: Annotated[str, Form()] = "",
) -> Response:
    """Make an invite and show its one-time link and QR code (the token is not kept, so only now)."""
    link = await invites.create(app, staff, role, scope, invites.read_days(days))
    created = {"link": link, "qr": qr_data_uri(link), "role": role, "scope": _scope_name(app, role, scope, lang)}
    return await _page(request, app, staff, lang, created=created)


@router.post("/invites/{invite_id}/revoke")
async def revoke(app: Context, staff: Admin, invite_id: int) -> Response:
    """Withdraw an open invite; audited."""
    await invites.revoke(app, staff, invite_id)
    return redirect("/invites")
