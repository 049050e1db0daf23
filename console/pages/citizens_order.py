"""Citizens' order: by district and axis, the problems as citizens rank them (pairwise answers) beside
the committee's ranking, and how far the two agree (Kendall's tau). Read-only, for admins and members."""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd
from fastapi import APIRouter, Request
from fastapi.responses import Response

from backend.pairwise.agreement import citizens_order_now
from backend.pairwise.scopes import CITY
from backend.plan import Plan
from console.auth import Context, Member, language
from console.render import NavItem, page
from console.texts import number, t

router = APIRouter()
NAV = [NavItem("nav.citizens_order", "/citizens-order", lambda staff: staff.is_member)]


@dataclass(frozen=True)
class Row:
    """One district and axis as the page shows it (names in the reader's language)."""

    district: str
    axis: str
    problems: int
    answers: int
    citizens_top: list[str]
    committee_top: list[str]
    agreement: str


def _name(plan: Plan, kind: str, code: str | None, lang: str, missing: str) -> str:
    named = plan.get(kind, code) if code else None
    return named.name(lang) if named else (code or missing)


def rows(plan: Plan, order: pd.DataFrame, lang: str) -> list[Row]:
    """The use case's rows named for the reader: the whole city for ``CITY``, the plan's names for
    districts and axes, tau as a number (a word when it is not defined)."""
    return [
        Row(
            t("citizens_order.city", lang) if row.district == CITY else _name(plan, "district", row.district, lang, ""),
            _name(plan, "axis", row.axis, lang, t("citizens_order.no_axis", lang)),
            int(row.problems),
            int(row.answers),
            list(row.citizens_top),
            list(row.committee_top),
            t("citizens_order.undefined", lang) if math.isnan(row.tau) else number(round(float(row.tau), 2), lang),
        )
        for row in order.itertuples(index=False)
    ]


@router.get("/citizens-order")
async def citizens_order_page(request: Request, app: Context, staff: Member) -> Response:
    """Citizens' order by district and axis beside the committee's, with Kendall's tau."""
    order = await citizens_order_now(app)
    return page(request, "citizens_order.html", rows=rows(app.plan, order, language(request)))
