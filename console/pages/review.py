"""Integration review: problems beside their findings and suggested merges (shared words marked);
merge, split, confirm, retitle and the public title, each kept by later integration runs."""

from __future__ import annotations

import re

from fastapi import APIRouter, Request
from fastapi.responses import Response
from markupsafe import Markup, escape

from backend.committee import review
from backend.committee.titles import set_public_title
from backend.context import transaction
from backend.integration.reading import fold, stem
from console.auth import Context, language
from console.pages.committee import Committee, Paging, form_ids, names, page_number
from console.render import NavItem, page, redirect

router = APIRouter()
NAV = [NavItem("nav.review", "/review", lambda staff: staff.is_member)]
PAGE_SIZE = 20
_WORDS = re.compile(r"([\w\u200c]+)")


def highlight(text: str, shared: list[str]) -> Markup:
    """``text`` escaped, with the words it shares with the suggestion (places, issues, stems) marked."""
    wanted = {fold(word) for phrase in shared for word in phrase.split()} | set(shared)
    parts = []
    for piece in _WORDS.split(text):
        folded = fold(piece)
        if piece and (folded in wanted or stem(folded) in wanted):
            parts.append(Markup("<mark>{}</mark>").format(piece))
        else:
            parts.append(escape(piece))
    return Markup("").join(parts)


def _back(request: Request, problem_id: int) -> str:
    """The review page the form came from, at the problem it acted on."""
    number = page_number(request.query_params.get("page"))
    suggested = "&suggested=1" if request.query_params.get("suggested") else ""
    return f"/review?page={number}{suggested}#problem-{problem_id}"


@router.get("/review")
async def review_page(request: Request, app: Context, staff: Committee) -> Response:
    """One page of problems (``page`` from 1; ``suggested=1``: only those with a suggested merge)."""
    number = page_number(request.query_params.get("page"))
    suggested = bool(request.query_params.get("suggested"))
    async with transaction(app) as session:
        found = await review.review_page(
            session, offset=(number - 1) * PAGE_SIZE, limit=PAGE_SIZE, suggested_only=suggested
        )
    return page(
        request,
        "review.html",
        found=found,
        suggested=suggested,
        paging=Paging(number, PAGE_SIZE, found.total),
        query=f"page={number}" + ("&suggested=1" if suggested else ""),
        highlight=highlight,
        name_of=names(app.plan, language(request)),
    )


@router.post("/review/{problem_id}/merge")
async def merge(request: Request, app: Context, staff: Committee, problem_id: int) -> Response:
    """Merge the suggested problem (form field ``other``) into this one."""
    other = await form_ids(request, "other")
    await review.merge(app, staff.actor, problem_id, other[0] if other else 0)
    return redirect(_back(request, problem_id))


@router.post("/review/{problem_id}/split")
async def split(request: Request, app: Context, staff: Committee, problem_id: int) -> Response:
    """Move the chosen findings (``finding``) to a new problem."""
    await review.split(app, staff.actor, problem_id, await form_ids(request, "finding"))
    return redirect(_back(request, problem_id))


@router.post("/review/{problem_id}/confirm")
async def confirm(request: Request, app: Context, staff: Committee, problem_id: int) -> Response:
    await review.confirm(app, staff.actor, problem_id)
    return redirect(_back(request, problem_id))


@router.post("/review/{problem_id}/title")
async def retitle(request: Request, app: Context, staff: Committee, problem_id: int) -> Response:
    await review.retitle(app, staff.actor, problem_id, str((await request.form()).get("title", "")))
    return redirect(_back(request, problem_id))


@router.post("/review/{problem_id}/public-title")
async def public_title(request: Request, app: Context, staff: Committee, problem_id: int) -> Response:
    await set_public_title(app, staff.actor, problem_id, str((await request.form()).get("public_title", "")))
    return redirect(_back(request, problem_id))
