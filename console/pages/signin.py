"""Signing in with a one-time link, signing out, the language switch and the health check."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import PlainTextResponse, Response

from backend.console import signin
from backend.errors import Refused
from console.auth import LANG_COOKIE, Context, clear_session_cookie, set_session_cookie
from console.render import NavItem, page, redirect
from console.texts import LANGUAGES

router = APIRouter()
NAV: list[NavItem] = []  # reached by links, not the navigation


def _address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


@router.get("/signin")
async def signin_page(request: Request, token: str | None = None) -> Response:
    """The page a sign-in link opens: one button that uses the link (so a messenger's link preview, which
    only reads the page, does not use it up); without a link, how to get one."""
    return page(request, "signin.html", token=token, reason=None)


@router.post("/signin")
async def sign_in(request: Request, app: Context, token: Annotated[str, Form(max_length=200)] = "") -> Response:
    """Use a sign-in link: a session and its cookie, or the reason the link is refused."""
    limits = request.app.state.failed_signins
    address = _address(request)
    if await limits.blocked(address):
        return page(request, "signin.html", status=429, token=None, reason="refused.too_many_signins")
    try:
        signed_in = await signin.redeem(app, token)
    except Refused as refusal:
        await limits.failed(address)
        return page(request, "signin.html", status=400, token=None, reason=refusal.key)
    response = redirect("/")
    set_session_cookie(response, app, signed_in.token)
    return response


@router.post("/signout")
async def sign_out(request: Request, app: Context) -> Response:
    """End this session here and in the browser."""
    await signin.sign_out(app, request.state.session_token)
    response = redirect("/signin")
    clear_session_cookie(response, app)
    return response


@router.get("/lang/{code}")
async def switch_language(code: str, next: str = "/") -> Response:
    """Read the console in another language; back to the page the switch was pressed on."""
    local = next.startswith("/") and next[1:2] not in ("/", "\\")  # a path here, never another site
    response = redirect(next if local else "/")
    if code in LANGUAGES:
        response.set_cookie(LANG_COOKIE, code, max_age=365 * 24 * 3600, samesite="lax", httponly=True)
    return response


@router.get("/healthz", response_class=PlainTextResponse)
async def healthz() -> str:
    """For the container's health check: the process answers."""
    return "ok"
