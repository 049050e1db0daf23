"""Agendas and the approval chain: each body's open agenda with every member's vote, quorum, deadline
and overdue mark, its latest results, each item's path through the bodies; push a body's next agenda
now (through the outbox, as the weekly schedule does) and extend a deadline."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from backend.committee import agendas
from backend.context import transaction
from backend.errors import Refused
from backend.text import parse_int
from console.auth import Context, language
from console.pages.committee import Committee
from console.render import NavItem, page, redirect

router = APIRouter()
NAV = [NavItem("nav.agendas", "/agendas", lambda staff: staff.is_member)]


def _pusher(request: Request) -> agendas.Pusher | None:
    """The composition root's push (``meydan web`` sets it); without one the page cannot push."""
    return getattr(request.app.state, "push_agenda", None)


@router.get("/agendas")
async def agendas_page(request: Request, app: Context, staff: Committee) -> Response:
    async with transaction(app) as session:
        boards = await agendas.board(session, app.plan)
    lang = language(request)
    pushed = request.query_params.get("pushed")
    return page(
        request,
        "agendas.html",
        boards=boards,
        body_names={body.code: body.name(lang) for body in app.plan.bodies},
        can_push=_pusher(request) is not None,
        pushed=pushed.split(",") if pushed else None,
        nothing=request.query_params.get("nothing"),
    )


@router.post("/agendas/{body}/push")
async def push(request: Request, app: Context, staff: Committee, body: str) -> Response:
    """Open the body's next agenda now and queue it for its members (audited)."""
    pusher = _pusher(request)
    if pusher is None:
        raise Refused("refused.not_found")
    agenda = await agendas.push_now(app, staff.actor, body, pusher)
    if agenda is None:
        return redirect("/agendas?nothing=1")
    return redirect(f"/agendas?pushed={agenda.id},{body},{len(agenda.items)}")


@router.post("/agendas/{agenda_id}/extend")
async def extend(request: Request, app: Context, staff: Committee, agenda_id: int) -> Response:
    """Move the agenda's deadline later by the hours given (audited)."""
    hours = parse_int(str((await request.form()).get("hours", ""))) or 0
    await agendas.extend(app, staff.actor, agenda_id, hours)
    return redirect("/agendas")
