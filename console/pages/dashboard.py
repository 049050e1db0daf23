"""The dashboard: participation today and this week against the week before, by district, axis,
source and stakeholder group, and the coverage matrix of working groups by source. The figures
refresh themselves (htmx polls ``/dashboard/figures``)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
from collections.abc import Callable
from dataclasses import dataclass
from time import monotonic

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from markupsafe import Markup

from backend.context import AppContext
from backend.dashboard.figures import DIMENSIONS, MEASURE_DIMENSIONS, MEASURES, UNKNOWN, Counts, Dashboard, dashboard
from backend.plan import Plan
from console.auth import Context, Member, language
from console.render import NavItem, page, render
from console.texts import t

log = logging.getLogger(__name__)
router = APIRouter()
NAV = [NavItem("nav.dashboard", "/", lambda staff: staff.is_member)]


@dataclass(frozen=True)
class Row:
    """One line of a breakdown: a district, axis, source or group, and each measure's counts (None: the
    measure has no such dimension)."""

    label: str
    counts: dict[str, Counts | None]


def _labels(plan: Plan, dimension: str, lang: str) -> list[tuple[str, str]]:
    named = {
        "district": plan.districts,
        "axis": plan.axes,
        "source": plan.sources,
        "stakeholder_group": plan.stakeholder_groups,
    }[dimension]
    return [(item.code, item.name(lang)) for item in named]


def breakdown(figures: Dashboard, plan: Plan, dimension: str, lang: str, unknown: str) -> list[Row]:
    """The rows of one dimension: the plan's values in its order, then values it does not know, then none."""
    labels = _labels(plan, dimension, lang)
    seen = {
        value for m in MEASURES if dimension in MEASURE_DIMENSIONS[m] for value in figures.measures[m].by[dimension]
    }
    known = {code for code, _ in labels}
    extra = sorted(seen - known - {UNKNOWN}) + ([UNKNOWN] if UNKNOWN in seen else [])
    rows = []
    for code, label in labels + [(value, value or unknown) for value in extra]:
        counts: dict[str, Counts | None] = {}
        for measure in MEASURES:
            if dimension not in MEASURE_DIMENSIONS[measure]:
                counts[measure] = None
            else:
                by = figures.measures[measure].by[dimension]
                counts[measure] = by[code] if code in by else dict.fromkeys(figures.measures[measure].total, 0)
        rows.append(Row(label, counts))
    return rows


class Recent:
    """The figures last counted and their rendering in each language, shared by everyone looking at the
    dashboard: older than ``ttl`` seconds, they are counted again in the background while the last ones
    are still served, so twenty staff polling at once cost one count and nobody waits for it (only the
    very first request counts in its turn). ``ttl`` 0 counts in every request."""

    def __init__(self, ttl: float) -> None:
        self.ttl = ttl
        self._figures: Dashboard | None = None
        self._counted = -math.inf
        self._rendered: dict[str, str] = {}
        self._lock = asyncio.Lock()
        self._recount: asyncio.Task[None] | None = None

    async def _count(self, app: AppContext) -> None:
        figures = await dashboard(app)
        self._figures, self._rendered, self._counted = figures, {}, monotonic()

    async def _count_in_background(self, app: AppContext) -> None:
        """A recount nobody waits for: if the database fails it, the last figures stay and it is logged."""
        try:
            await self._count(app)
        except Exception:
            log.warning("the dashboard's figures could not be counted again; the last ones stay", exc_info=True)

    async def close(self) -> None:
        """Stop a recount still running (the console shuts down)."""
        if self._recount is not None:
            self._recount.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._recount

    async def html(self, app: AppContext, lang: str, draw: Callable[[Dashboard], str]) -> str:
        """The figures drawn in ``lang``."""
        if self._figures is None or self.ttl == 0:
            async with self._lock:
                if self._figures is None or self.ttl == 0:
                    await self._count(app)
        elif monotonic() - self._counted >= self.ttl and (self._recount is None or self._recount.done()):
            self._recount = asyncio.create_task(self._count_in_background(app))
        figures, rendered = self._figures, self._rendered
        assert figures is not None
        if lang not in rendered:
            rendered[lang] = draw(figures)
        return rendered[lang]


def _draw(request: Request, app: AppContext, figures: Dashboard) -> str:
    lang = language(request)
    sources = [(s.code, s.name(lang)) for s in app.plan.sources]
    coverage = [
        (wg.name(lang), [figures.coverage.count(wg.code, code) for code, _ in sources])
        for wg in app.plan.working_groups
    ]
    return render(
        request,
        "_dashboard_figures.html",
        figures=figures,
        measures=MEASURES,
        dimensions=DIMENSIONS,
        breakdowns={d: breakdown(figures, app.plan, d, lang, t("dashboard.unknown", lang)) for d in DIMENSIONS},
        sources=sources,
        coverage=coverage,
        gaps=sum(count == 0 for _, row in coverage for count in row),
        refresh=request.app.state.refresh_seconds,
    )


async def _figures(request: Request, app: AppContext) -> Markup:
    recent: Recent = request.app.state.dashboard
    return Markup(await recent.html(app, language(request), lambda figures: _draw(request, app, figures)))


@router.get("/")
async def dashboard_page(request: Request, app: Context, staff: Member) -> Response:
    """The whole dashboard."""
    return page(request, "dashboard.html", figures=await _figures(request, app))


@router.get("/dashboard/figures")
async def dashboard_figures(request: Request, app: Context, staff: Member) -> Response:
    """The figures alone, for the page's periodic refresh."""
    return HTMLResponse(await _figures(request, app))
