"""Meetings and forums: the list and one meeting with its notes, findings and minutes. Admins see every
working group's; a facilitator only their own groups' (the backend filters, so no id leaks)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from backend.console import meetings
from backend.console.staff import Staff
from backend.context import AppContext
from console.auth import Context, Forbidden, Lang, signed_in
from console.render import NavItem, page
from reports.minutes import render_minutes

router = APIRouter()
NAV = [NavItem("nav.meetings", "/meetings", lambda staff: staff.is_admin or bool(staff.working_groups))]
KINDS = ("meeting", "forum")


def facilitating(staff: Annotated[Staff, Depends(signed_in)]) -> Staff:
    """Admins and facilitators (of any working group: the backend keeps them to their own)."""
    if not staff.is_admin and not staff.working_groups:
        raise Forbidden("meetings.facilitators_only")
    return staff


Facilitating = Annotated[Staff, Depends(facilitating)]


def _names(app: AppContext, lang: str) -> Callable[[str, str | None], str]:
    """Names plan codes (a source, working group, district, axis) in the reader's language."""

    def name(kind: str, code: str | None) -> str:
        named = app.plan.get(kind, code) if code else None
        return named.name(lang) if named else (code or "")

    return name


@router.get("/meetings")
async def meetings_page(request: Request, app: Context, staff: Facilitating, lang: Lang, kind: str = "") -> Response:
    """The newest meetings and forums the reader may see, optionally only one kind."""
    shown = kind if kind in KINDS else None
    lines = await meetings.meetings(app, staff, shown)
    return page(request, "meetings.html", lines=lines, kind=shown or "", name=_names(app, lang))


@router.get("/meetings/{meeting_id}")
async def meeting_page(request: Request, app: Context, staff: Facilitating, lang: Lang, meeting_id: int) -> Response:
    """One meeting: what was set up, every note and finding, and a link to its minutes."""
    record = await meetings.meeting_record(app, staff, meeting_id)
    return page(request, "meeting.html", record=record, meeting=record.meeting, name=_names(app, lang))


@router.get("/meetings/{meeting_id}/minutes")
async def minutes(app: Context, staff: Facilitating, lang: Lang, meeting_id: int) -> Response:
    """The meeting's minutes as the facilitator receives them (a page to read, print or save)."""
    record = await meetings.meeting_record(app, staff, meeting_id)
    return HTMLResponse(render_minutes(record, app.plan, lang))
