"""What the workbench's pages share: who may use them (the drafting committee, the first body of the
approval chain, and admins), paging, and reading a form's repeated fields."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from backend.console.staff import Staff
from backend.plan import Plan
from backend.text import parse_int
from console.auth import Forbidden, app_context, signed_in


def committee(request: Request, staff: Annotated[Staff, Depends(signed_in)]) -> Staff:
    """Admins and members of the drafting committee (the plan's first body)."""
    plan = app_context(request).plan
    if not staff.member_of(plan.bodies[0].code):
        raise Forbidden("workbench.committee_only")
    return staff


Committee = Annotated[Staff, Depends(committee)]


@dataclass(frozen=True)
class Paging:
    """Where a paginated list is: page numbers from 1."""

    page: int
    size: int
    total: int

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.size

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.size))


def page_number(value: str | None) -> int:
    """A page number from the query (any digits); 1 if missing or not a positive number."""
    number = parse_int(value or "")
    return number if number is not None and number > 0 else 1


async def form_ids(request: Request, name: str) -> list[int]:
    """The numbers a form sent under ``name`` (checkboxes), any digits; others are ignored."""
    form = await request.form()
    numbers = [parse_int(str(value)) for value in form.getlist(name)]
    return [n for n in numbers if n is not None]


def names(plan: Plan, lang: str) -> Callable[[str, str | None], str]:
    """``name_of(kind, code)`` for templates: a plan code (axis, source, working group, district, body)
    as the reader's words, the code itself if the plan does not know it, — for none."""

    def name_of(kind: str, code: str | None) -> str:
        if code is None:
            return "—"
        named = plan.get(kind, code)
        return named.name(lang) if named is not None else code

    return name_of
