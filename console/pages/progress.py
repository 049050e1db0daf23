"""Execution progress of the approved plan: an admin records percent and milestones per problem (the
same as ``meydan progress``); the public pages and the weekly news show them."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from backend.lifecycle import progress
from console.auth import Admin, Context
from console.render import NavItem, page, redirect

router = APIRouter()
NAV = [NavItem("nav.progress", "/progress", lambda staff: staff.is_admin)]


@router.get("/progress")
async def progress_page(request: Request, app: Context, staff: Admin) -> Response:
    """The plan's problems with their stage, each with a form for the next milestone."""
    return page(request, "progress.html", problems=await progress.in_plan(app))


@router.post("/progress/{problem_id}")
async def record(
    app: Context,
    staff: Admin,
    problem_id: int,
    percent: Annotated[str, Form()],
    note: Annotated[str, Form()] = "",
) -> Response:
    """Record one milestone (the form carries the CSRF token; the entry is audited)."""
    await progress.enter_progress(app, staff.actor, problem_id, percent, note)
    return redirect("/progress")
