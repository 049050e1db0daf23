"""The console's FastAPI application: ``create_app(app_context)``.

Page groups register here: each module under ``console/pages/`` has a ``router`` and a ``NAV`` list
(its links, and who sees them); add a module to ``PAGES`` to serve it.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from pathlib import Path
from types import ModuleType

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from backend.context import AppContext
from backend.errors import Refused
from console import texts
from console.auth import Forbidden, NotSignedIn, guard, language
from console.limits import FailedSignIns
from console.pages import (
    agendas,
    citizens_order,
    dashboard,
    digests,
    invites,
    meetings,
    moderation,
    people,
    progress,
    public,
    ranking,
    review,
    signin,
    surveys,
)
from console.render import NavItem, page

STATIC = Path(__file__).parent / "static"

PAGES: list[ModuleType] = [
    signin,
    dashboard,
    surveys,
    invites,
    meetings,
    digests,
    moderation,
    review,
    ranking,
    citizens_order,
    agendas,
    people,
    progress,
    public,
]
"""Every page group, in navigation order."""

SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
        "font-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",  # a sign-in link's token never leaves in a Referer
}


def create_app(
    app_context: AppContext, *, redis: object | None = None, refresh_seconds: int = 30, figures_ttl: float = 5
) -> FastAPI:
    """The console for ``app_context``; ``redis`` (a redis.asyncio client) shares the sign-in limits;
    live figures refresh in the browser every ``refresh_seconds`` and are counted at most every
    ``figures_ttl`` seconds for everyone."""
    app = FastAPI(
        title="Meydan console",
        lifespan=_lifespan,
        dependencies=[Depends(guard)],
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
    )
    app.state.meydan = app_context
    app.state.failed_signins = FailedSignIns(redis)
    app.state.refresh_seconds = refresh_seconds
    app.state.dashboard = dashboard.Recent(figures_ttl)
    nav: list[NavItem] = []
    for module in PAGES:
        app.include_router(module.router)
        nav.extend(getattr(module, "NAV", ()))
    app.state.nav = nav
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    _add_handlers(app)

    app.add_middleware(SecurityHeaders)
    return app


@contextlib.asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Nothing to start; at shutdown a dashboard recount still running is stopped."""
    yield
    await app.state.dashboard.close()


class SecurityHeaders:
    """Every response gets ``SECURITY_HEADERS``; pages (not static files) are never cached (plain ASGI:
    cheaper per request than Starlette's BaseHTTPMiddleware)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        cached = scope["path"].startswith("/static/")

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.update(SECURITY_HEADERS)
                if not cached:
                    headers["Cache-Control"] = "no-store"
            await send(message)

        await self.app(scope, receive, with_headers)


def _add_handlers(app: FastAPI) -> None:
    @app.exception_handler(NotSignedIn)
    async def not_signed_in(request: Request, exc: NotSignedIn) -> Response:
        if request.headers.get("HX-Request"):  # an htmx poll after the session ended: load the sign-in page
            return Response(status_code=401, headers={"HX-Redirect": "/signin"})
        return page(request, "signin.html", status=401, reason="refused.signed_out", token=None)

    @app.exception_handler(Forbidden)
    async def forbidden(request: Request, exc: Forbidden) -> HTMLResponse:
        return _refused(request, exc.status, exc.key, exc.params)

    @app.exception_handler(Refused)
    async def refused(request: Request, exc: Refused) -> HTMLResponse:
        return _refused(request, 400, exc.key, exc.params)

    @app.exception_handler(RequestValidationError)
    async def bad_request(request: Request, exc: RequestValidationError) -> HTMLResponse:
        return _refused(request, 400, "refused.bad_request")

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        return _refused(request, exc.status_code, "refused.not_found" if exc.status_code in (404, 405) else "")


def _refused(request: Request, status: int, key: str, params: dict[str, object] | None = None) -> HTMLResponse:
    """The refusal page: what was refused and why, in the reader's language."""
    reason = texts.refusal(key, language(request), params or {})
    return page(request, "refused.html", status=status, reason=reason)
