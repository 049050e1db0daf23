"""The moderation queue: findings newest first, citizens' own words first, with their flags; hide
(with a reason), restore and correct one or many at once, by mouse or keyboard."""

from __future__ import annotations

from typing import get_args

from fastapi import APIRouter, Request
from fastapi.responses import Response

from backend.context import transaction
from backend.errors import Refused
from backend.moderation import actions
from backend.moderation.queue import Show, queue
from console.auth import Context, language
from console.pages.committee import Committee, Paging, form_ids, names, page_number
from console.render import NavItem, page, redirect

router = APIRouter()
NAV = [NavItem("nav.moderation", "/moderation", lambda staff: staff.is_member)]
PAGE_SIZE = 50
SHOWS: tuple[str, ...] = get_args(Show)


def _show(value: str | None) -> Show:
    return value if value in SHOWS else "all"  # type: ignore[return-value]


@router.get("/moderation")
async def moderation_page(request: Request, app: Context, staff: Committee) -> Response:
    """A page of the queue (``show``: all, flagged, hidden or visible; ``page`` from 1)."""
    show = _show(request.query_params.get("show"))
    number = page_number(request.query_params.get("page"))
    async with transaction(app) as session:
        found = await queue(session, show=show, limit=PAGE_SIZE, offset=(number - 1) * PAGE_SIZE)
    done = request.query_params.get("done")
    return page(
        request,
        "moderation.html",
        found=found,
        show=show,
        shows=SHOWS,
        paging=Paging(number, PAGE_SIZE, found.total),
        fields=actions.CORRECTABLE,
        plan=app.plan,
        done=done.split(",") if done else None,
        name_of=names(app.plan, language(request)),
    )


@router.post("/moderation/act")
async def act(request: Request, app: Context, staff: Committee) -> Response:
    """Hide, restore or correct the selected findings (audited); back to the same page of the queue."""
    form = await request.form()
    chosen = await form_ids(request, "finding")
    action = str(form.get("action", ""))
    if action == "hide":
        done = await actions.hide(app, staff.actor, chosen, str(form.get("reason", "")))
    elif action == "restore":
        done = await actions.restore(app, staff.actor, chosen)
    elif action == "correct":
        field = str(form.get("field", ""))
        done = await actions.correct(app, staff.actor, chosen, field, str(form.get(f"value_{field}", "")))
    else:
        raise Refused("workbench.moderation.bad_action")
    show = _show(str(form.get("show", "")))
    number = page_number(str(form.get("page", "")))
    return redirect(f"/moderation?show={show}&page={number}&done={len(done.changed)},{len(done.unchanged)}")
