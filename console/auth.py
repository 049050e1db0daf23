"""Sessions, CSRF and roles: checked for every route by ``guard`` (an app-wide dependency) and the
role dependencies each page declares.

The session cookie carries a random token and its HMAC under the app's secret key, so a cookie made
with another key is refused before the database is asked; the token itself is looked up (hashed) in
``console_sessions``, so signing out or idling past the timeout ends it.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, Request
from fastapi.responses import Response

from backend.console import signin
from backend.console.staff import Staff
from backend.context import AppContext
from console.texts import pick_language

SESSION_COOKIE = "meydan_session"
LANG_COOKIE = "meydan_lang"
CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf_token"
PUBLIC_PATHS = ("/signin", "/healthz")  # pages anyone may open; everything else needs a session
PUBLIC_PREFIXES = ("/lang/",)
UNSAFE_METHODS = ("POST", "PUT", "PATCH", "DELETE")


class NotSignedIn(Exception):
    """No live session: the page says how to get a sign-in link."""


class Forbidden(Exception):
    """A signed-in person asked for what their roles do not allow; ``key`` says why (a console text)."""

    def __init__(self, key: str, status: int = 403, **params: object) -> None:
        super().__init__(key)
        self.key = key
        self.status = status
        self.params = params


def app_context(request: Request) -> AppContext:
    """The application context the console was created with."""
    context: AppContext = request.app.state.meydan
    return context


def language(request: Request) -> str:
    """The reader's language: the switch's cookie, else Persian."""
    return pick_language(request.cookies.get(LANG_COOKIE))


def _cookie_signature(app: AppContext, token: str) -> str:
    return hmac.new(app.secret, f"console-cookie:{token}".encode(), hashlib.sha256).hexdigest()


def session_cookie(app: AppContext, token: str) -> str:
    """The cookie value for a session token: the token and its signature."""
    return f"{token}.{_cookie_signature(app, token)}"


def session_token(request: Request) -> str | None:
    """The session token of the request's cookie if its signature is this app's, else None."""
    value = request.cookies.get(SESSION_COOKIE, "")
    token, _, signature = value.rpartition(".")
    if not token or not hmac.compare_digest(signature, _cookie_signature(app_context(request), token)):
        return None
    return token


def set_session_cookie(response: Response, app: AppContext, token: str) -> None:
    """Hand the browser its session: HttpOnly, SameSite=Lax, Secure behind https."""
    response.set_cookie(
        SESSION_COOKIE,
        session_cookie(app, token),
        httponly=True,
        samesite="lax",
        secure=app.settings.web_url.startswith("https://"),
        path="/",
    )


def clear_session_cookie(response: Response, app: AppContext) -> None:
    """Forget the session in the browser."""
    response.delete_cookie(
        SESSION_COOKIE, path="/", httponly=True, samesite="lax", secure=app.settings.web_url.startswith("https://")
    )


def csrf_token(request: Request) -> str:
    """The CSRF token every form and htmx request of this session must carry ('' without a session)."""
    token = getattr(request.state, "session_token", None)
    return signin.csrf_token(app_context(request), token) if token else ""


async def _check_csrf(request: Request, token: str) -> None:
    sent = request.headers.get(CSRF_HEADER)
    if sent is None and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        field = (await request.form()).get(CSRF_FIELD)
        sent = field if isinstance(field, str) else None
    if not sent or not hmac.compare_digest(sent, signin.csrf_token(app_context(request), token)):
        raise Forbidden("refused.csrf")


async def guard(request: Request) -> None:
    """Every route: a live session unless the page is public, and a CSRF token on every change."""
    path = request.url.path
    if path in PUBLIC_PATHS or path.startswith(PUBLIC_PREFIXES):
        return
    token = session_token(request)
    staff = await signin.resume(app_context(request), token) if token else None
    if token is None or staff is None or not staff.is_staff:
        raise NotSignedIn()
    request.state.staff = staff
    request.state.session_token = token
    if request.method in UNSAFE_METHODS:
        await _check_csrf(request, token)


def signed_in(request: Request) -> Staff:
    """The staff the session serves (``guard`` has checked it)."""
    staff: Staff | None = getattr(request.state, "staff", None)
    if staff is None:
        raise NotSignedIn()
    return staff


def _role(check: Callable[[Staff], bool], reason: str) -> Callable[[Staff], Staff]:
    def dependency(staff: Annotated[Staff, Depends(signed_in)]) -> Staff:
        if not check(staff):
            raise Forbidden(reason)
        return staff

    return dependency


admin = _role(lambda staff: staff.is_admin, "refused.admin_only")
"""Admins only (MEYDAN_ADMIN_IDS)."""

member = _role(lambda staff: staff.is_member, "refused.members_only")
"""Admins and members of any body (read-only pages such as the dashboard)."""


def _named(request: Request, kind: str, code: str) -> str:
    """What the plan calls a body or working group in the reader's language (the code if it has none)."""
    named = app_context(request).plan.get(kind, code)
    return named.name(language(request)) if named else code


def member_of_body(body: str, request: Request, staff: Annotated[Staff, Depends(signed_in)]) -> Staff:
    """Admins and members of the body named by the route's ``{body}``."""
    if not staff.member_of(body):
        raise Forbidden("refused.not_member", body=_named(request, "body", body))
    return staff


def facilitator_of(working_group: str, request: Request, staff: Annotated[Staff, Depends(signed_in)]) -> Staff:
    """Admins and facilitators of the working group named by the route's ``{working_group}``."""
    if not staff.facilitates(working_group):
        raise Forbidden("refused.not_facilitator", working_group=_named(request, "working_group", working_group))
    return staff


Admin = Annotated[Staff, Depends(admin)]
Member = Annotated[Staff, Depends(member)]
MemberOfBody = Annotated[Staff, Depends(member_of_body)]
FacilitatorOf = Annotated[Staff, Depends(facilitator_of)]
SignedIn = Annotated[Staff, Depends(signed_in)]
Context = Annotated[AppContext, Depends(app_context)]
Lang = Annotated[str, Depends(language)]
