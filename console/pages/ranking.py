"""The ranking workbench: sliders for the criteria weights re-rank at once (htmx asks for the rows
again), "why #n" breaks a score down, an AHP matrix gives weights or is refused with its ratio, and
weights are saved as versions that can be compared side by side."""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import Response

from backend.committee import ranking
from backend.context import transaction
from backend.errors import Refused
from backend.plan.model import CRITERIA
from backend.prioritize.weights import MAX_CONSISTENCY_RATIO
from backend.text import parse_decimal, parse_int
from console import texts
from console.auth import Context, language
from console.pages.committee import Committee
from console.render import NavItem, page, redirect

router = APIRouter()
NAV = [NavItem("nav.ranking", "/ranking", lambda staff: staff.is_member)]
SHOWN = 50  # lines of the ranking shown


def _tried(values: Mapping[str, object]) -> dict[str, float] | None:
    """The weights the sliders send, or None when the request carries none (the weights in force)."""
    if not any(criterion in values for criterion in CRITERIA):
        return None
    return ranking.weights_from(values)


def _query(weights: Mapping[str, float]) -> str:
    return urlencode({c: round(weights[c] * 100, 2) for c in CRITERIA})


async def _page(
    request: Request, app: Context, weights: dict[str, float] | None, status: int = 200, **extra: object
) -> Response:
    async with transaction(app) as session:
        shown = await ranking.ranking(session, app.plan, weights, limit=SHOWN)
        saved = await ranking.versions(session)
    return page(
        request,
        "ranking.html",
        status=status,
        shown=shown,
        weights_query=_query(shown.weights),
        criteria=CRITERIA,
        versions=saved,
        pairs=[(i, j) for i in range(len(CRITERIA)) for j in range(i + 1, len(CRITERIA))],
        saaty=("9", "8", "7", "6", "5", "4", "3", "2", "1", "1/2", "1/3", "1/4", "1/5", "1/6", "1/7", "1/8", "1/9"),
        chosen=extra.pop("chosen", {}),
        ahp_error=extra.pop("ahp_error", None),
        ahp_ratio=extra.pop("ahp_ratio", None),
        **extra,
    )


@router.get("/ranking")
async def ranking_page(request: Request, app: Context, staff: Committee) -> Response:
    """The ranking under the weights in force (or those in the query), with the sliders and versions."""
    return await _page(request, app, _tried(request.query_params))


@router.get("/ranking/rows")
async def rows(request: Request, app: Context, staff: Committee) -> Response:
    """The ranking's rows under the sliders' weights (what htmx swaps in as a slider moves)."""
    weights = _tried(request.query_params)
    async with transaction(app) as session:
        shown = await ranking.ranking(session, app.plan, weights, limit=SHOWN)
    return page(request, "_ranking_rows.html", shown=shown, weights_query=_query(shown.weights))


@router.get("/ranking/why/{problem_id}")
async def why(request: Request, app: Context, staff: Committee, problem_id: int) -> Response:
    """A problem's score broken down by criterion, and its evidence by source and stakeholder group."""
    weights = _tried(request.query_params)
    async with transaction(app) as session:
        explained = await ranking.why(session, app.plan, problem_id, weights)
    return page(request, "ranking_why.html", explained=explained)


@router.post("/ranking/ahp")
async def ahp(request: Request, app: Context, staff: Committee) -> Response:
    """Weights from the pairwise judgements: set on the sliders, or refused with the ratio."""
    form = await request.form()
    chosen = {key: str(value) for key, value in form.items() if "-" in key}
    try:
        found = ranking.ahp_from(chosen)
    except Refused as refused:
        message = texts.refusal(refused.key, language(request), _named(refused.params, language(request)))
        return await _page(request, app, None, status=400, chosen=chosen, ahp_error=message)
    return await _page(request, app, found.weights, chosen=chosen, ahp_ratio=found.consistency_ratio)


def _named(params: Mapping[str, object], lang: str) -> dict[str, object]:
    """Refusal parameters with criteria codes as the reader's words, and the reader's digits."""
    return {
        key: texts.t(f"workbench.criteria.{value}", lang) if value in CRITERIA else texts.digits(value, lang)
        for key, value in params.items()
    }


@router.post("/ranking/save")
async def save(request: Request, app: Context, staff: Committee) -> Response:
    """Save the sliders' weights as a new version (audited); it ranks from now on."""
    form = await request.form()
    weights = ranking.weights_from(form)
    ratio = parse_decimal(str(form.get("consistency_ratio", "")))
    from_ahp = form.get("method") == "ahp" and ratio is not None and float(ratio) <= MAX_CONSISTENCY_RATIO
    await ranking.save_version(
        app,
        staff.actor,
        weights,
        method="ahp" if from_ahp else "weights",
        consistency_ratio=float(ratio) if from_ahp and ratio is not None else None,
        note=str(form.get("note", "")),
    )
    return redirect("/ranking")


@router.get("/ranking/compare")
async def compare(request: Request, app: Context, staff: Committee) -> Response:
    """Two saved versions' rankings side by side."""
    first = parse_int(request.query_params.get("a", "")) or 0
    second = parse_int(request.query_params.get("b", "")) or 0
    async with transaction(app) as session:
        rows = await ranking.compare(session, first, second)
    return page(request, "ranking_compare.html", rows=rows, first=first, second=second)
