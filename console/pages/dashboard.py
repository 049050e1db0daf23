"""The dashboard: participation today and this week against the week before, by district, axis,
source and stakeholder group, and the coverage matrix of working groups by source. The figures
refresh themselves (htmx polls ``/dashboard/figures``)."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import APIRouter, Request
from fastapi.responses import Response

from backend.dashboard.figures import DIMENSIONS, MEASURE_DIMENSIONS, MEASURES, UNKNOWN, Counts, Dashboard, dashboard
from backend.plan import Plan
from console.auth import Context, Member, language
from console.render import NavItem, page
from console.texts import t

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


async def _figures(request: Request, app: Context, template: str) -> Response:
    lang = language(request)
    figures = await dashboard(app)
    unknown = t("dashboard.unknown", lang)
    return page(
        request,
        template,
        figures=figures,
        measures=MEASURES,
        dimensions=DIMENSIONS,
        breakdowns={d: breakdown(figures, app.plan, d, lang, unknown) for d in DIMENSIONS},
        working_groups=[(wg.code, wg.name(lang)) for wg in app.plan.working_groups],
        sources=[(s.code, s.name(lang)) for s in app.plan.sources],
        refresh=request.app.state.refresh_seconds,
    )


@router.get("/")
async def dashboard_page(request: Request, app: Context, staff: Member) -> Response:
    """The whole dashboard."""
    return await _figures(request, app, "dashboard.html")


@router.get("/dashboard/figures")
async def dashboard_figures(request: Request, app: Context, staff: Member) -> Response:
    """The figures alone, for the page's periodic refresh."""
    return await _figures(request, app, "_dashboard_figures.html")
