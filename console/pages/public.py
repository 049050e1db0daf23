"""The public results without sign-in: the pages under ``/public/`` (the same files ``meydan publish``
writes) and the read-only open-data API under ``/api/public/v1/`` (JSON, and CSV with ``.csv``).
Nothing personal is in either (``backend.public.results``)."""

from __future__ import annotations

import json
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException
from fastapi.responses import JSONResponse, RedirectResponse, Response

from backend.context import AppContext
from backend.public import opendata
from backend.public.results import results
from console.auth import app_context
from reports.public.site import STYLE, Site, page

router = APIRouter()
API = f"/api/public/{opendata.VERSION}"
HTML, CSV = "text/html; charset=utf-8", "text/csv; charset=utf-8"


async def _site(app: AppContext) -> Site:
    async with app.sessions() as session:
        return Site(await results(session, app.plan, app.zone), app.plan, app.zone)


App = Annotated[AppContext, Depends(app_context)]


@router.get("/public", include_in_schema=False)
@router.get("/public/", include_in_schema=False)
async def home() -> RedirectResponse:
    """The public results' first page."""
    return RedirectResponse("/public/index.html", status_code=307)


@router.get("/public/{path:path}")
async def public_file(path: str, app: App) -> Response:
    """A page, the style sheet or an open-data download, exactly as the static site has it."""
    if path == "style.css":
        return Response(STYLE.read_bytes(), media_type="text/css")
    if path.startswith("data/"):
        name, _, ext = path[len("data/") :].rpartition(".")
        if name in opendata.DATASETS and ext in ("json", "csv"):
            site = await _site(app)
            if ext == "csv":
                return Response(opendata.as_csv(site.results, name), media_type=CSV)
            body = json.dumps(opendata.as_json(site.results, name), ensure_ascii=False)
            return Response(body, media_type="application/json")
        raise HTTPException(404)
    if path in ("", "en", "en/"):
        return RedirectResponse(f"/public/{path}index.html" if path != "en" else "/public/en/index.html", 307)
    found = page(await _site(app), path)
    if found is None:
        raise HTTPException(404)
    return Response(found, media_type=HTML)


@router.get(API)
async def api_index() -> JSONResponse:
    """The API's datasets, their fields and addresses."""
    return JSONResponse(
        {
            "version": opendata.VERSION,
            "datasets": {
                name: {"fields": list(opendata.FIELDS[name]), "json": f"{API}/{name}", "csv": f"{API}/{name}.csv"}
                for name in opendata.DATASETS
            },
        }
    )


@router.get(API + "/{dataset}")
async def api_dataset(dataset: str, app: App) -> Response:
    """One dataset as JSON (``…/problems``) or CSV (``…/problems.csv``)."""
    name, csv = (dataset[:-4], True) if dataset.endswith(".csv") else (dataset, False)
    if name not in opendata.DATASETS:
        raise HTTPException(404)
    site = await _site(app)
    if csv:
        return Response(opendata.as_csv(site.results, name), media_type=CSV)
    return JSONResponse(opendata.as_json(site.results, name))
