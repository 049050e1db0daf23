"""Server-rendered pages: one Jinja2 environment (autoescaping everything) and the names every template
sees: the reader's language and direction, ``t`` for texts, number and date helpers, the CSRF token,
the signed-in staff and the navigation they may use."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from backend.console.staff import Staff
from console import texts
from console.auth import CSRF_FIELD, CSRF_HEADER, csrf_token, language

TEMPLATES = Path(__file__).parent / "templates"
environment = Environment(
    loader=FileSystemLoader(TEMPLATES), autoescape=True, undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True
)


@dataclass(frozen=True)
class NavItem:
    """A link in the console's navigation, shown to those ``visible`` admits."""

    key: str  # the console text of its label
    path: str
    visible: Callable[[Staff], bool]


def _nav(request: Request, staff: Staff | None) -> list[NavItem]:
    items: list[NavItem] = request.app.state.nav
    return [item for item in items if staff is not None and item.visible(staff)]


def render(request: Request, template: str, **context: Any) -> str:
    """``template`` rendered for this request, as text."""
    lang = language(request)
    staff: Staff | None = getattr(request.state, "staff", None)
    names = dict(
        request=request,
        lang=lang,
        dir="rtl" if lang == "fa" else "ltr",
        other_lang="en" if lang == "fa" else "fa",
        t=partial(texts.t, lang=lang),
        number=partial(texts.number, lang=lang),
        digits=partial(texts.digits, lang=lang),
        when=partial(texts.when, lang=lang),
        csrf=csrf_token(request),
        csrf_field=CSRF_FIELD,
        csrf_header=CSRF_HEADER,
        staff=staff,
        nav=_nav(request, staff),
        path=request.url.path,
    )
    names.update(context)
    return environment.get_template(template).render(names)


def page(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    """Render ``template`` for this request as a page."""
    return HTMLResponse(render(request, template, **context), status_code=status)


def redirect(path: str) -> RedirectResponse:
    """After a change, or to another page: see it with a GET (303)."""
    return RedirectResponse(path, status_code=303)
