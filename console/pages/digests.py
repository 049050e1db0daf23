"""Digests: every weekly digest to read or download (HTML, XLSX), and a digest of any span of days. A
digest is built from the database when asked for, as the weekly job builds it."""

from __future__ import annotations

import asyncio
import tempfile
from datetime import date
from pathlib import Path
from typing import Literal

from fastapi import APIRouter, Request
from fastapi.responses import Response

from backend.console import digests
from backend.console.staff import Staff
from backend.digest.build import Digest
from backend.digest.period import Period
from backend.errors import Refused
from backend.jalali import today_local
from console.auth import Context, Lang, Member
from console.files import HTML, XLSX, download
from console.render import NavItem, page, redirect
from console.shared import shared, time_bucket

router = APIRouter()
BUILT_SECONDS = 60  # a digest read or downloaded is at most a minute old
NAV = [NavItem("nav.digests", "/digests", lambda staff: staff.is_member)]


@router.get("/digests")
async def digests_page(request: Request, app: Context, staff: Member) -> Response:
    """The archive, newest week first, and the form for any span of days."""
    weeks = await digests.weeks(app, staff, today_local(app.zone))
    return page(request, "digests.html", weeks=weeks)


@router.get("/digests/span")
async def span(app: Context, staff: Member, first: str = "", last: str = "") -> Response:
    """The span form (a GET: it changes nothing): dates in any digits, Jalali or ISO."""
    period = digests.span(first, last, app)
    return redirect(f"/digests/{period.first}/{period.last}")


def _period(app: Context, first: str, last: str) -> Period:
    """The period of a digest's address (ISO dates, as the archive links it)."""
    try:
        return digests.span(date.fromisoformat(first).isoformat(), date.fromisoformat(last).isoformat(), app)
    except ValueError:
        raise Refused("digests.span.date", text=f"{first} – {last}") from None


async def _digest(request: Request, app: Context, staff: Staff, first: str, last: str) -> Digest:
    """The digest of a period, built at most once every ``BUILT_SECONDS`` for all readers."""
    period = _period(app, first, last)
    return await shared(request).get(
        ("digest", period), time_bucket(BUILT_SECONDS), lambda: digests.build(app, staff, period)
    )


@router.get("/digests/{first}/{last}")
async def digest_page(request: Request, app: Context, staff: Member, lang: Lang, first: str, last: str) -> Response:
    """A digest's key figures against the period before, its top problems, and links to read or download it."""
    digest = await _digest(request, app, staff, first, last)
    return page(request, "digest.html", digest=digest, period=digest.period, label=digest.period.label(lang))


def _files(digest: Digest, lang: str) -> tuple[bytes, bytes]:
    from reports.digest import write_digest  # matplotlib: loaded when a digest file is asked for

    with tempfile.TemporaryDirectory() as folder:
        written = write_digest(digest, lang, Path(folder))
        return written.html.read_bytes(), written.xlsx.read_bytes()


@router.get("/digests/{first}/{last}/digest.{kind}")
async def digest_file(
    request: Request,
    app: Context,
    staff: Member,
    lang: Lang,
    first: str,
    last: str,
    kind: Literal["html", "xlsx"],
    save: bool = False,
) -> Response:
    """The digest as the members receive it: the HTML page (to read here, or ``save``) or the XLSX workbook."""
    digest = await _digest(request, app, staff, first, last)
    html, xlsx = await shared(request).get(
        ("files", digest.period, lang), digest.built_at, lambda: asyncio.to_thread(_files, digest, lang)
    )
    name = f"digest-{first}_{last}-{lang}.{kind}"
    if kind == "xlsx":
        return download(xlsx, name, XLSX)
    return download(html, name, HTML) if save else Response(html, media_type=HTML)
