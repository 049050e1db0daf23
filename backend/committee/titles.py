"""A problem's titles: the public title the committee writes (for the accountability pages),
separate from the citizens' words that integration puts in ``title``."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from backend.audit import record
from backend.context import AppContext, transaction
from backend.errors import Refused
from backend.integration import problems
from backend.models import Problem

MAX_TITLE = 200  # characters of a public title


def clean_title(title: str | None) -> str | None:
    """A title as stored: spacing collapsed; blank is None (no title). Refused when too long."""
    cleaned = " ".join((title or "").split())
    if len(cleaned) > MAX_TITLE:
        raise Refused("workbench.title.too_long", max=MAX_TITLE, length=len(cleaned))
    return cleaned or None


async def live_problem(session: AsyncSession, problem_id: int) -> Problem:
    """The live problem, or a refusal naming the missing number."""
    problem = await session.get(Problem, problem_id)
    if problem is None or problem.status == problems.RETIRED:
        raise Refused("workbench.problem.unknown", problem=problem_id)
    return problem


async def set_public_title(app: AppContext, actor: str, problem_id: int, title: str | None) -> Problem:
    """Set (or, blank, clear) a problem's public title; audited with the old and new wording."""
    new = clean_title(title)
    async with transaction(app) as session:
        problem = await live_problem(session, problem_id)
        old = problem.public_title
        if old != new:
            problem.public_title = new
            record(session, actor, "problem.public_title", "problem", problem_id, old=old, new=new)
        return problem
