"""``meydan progress P --percent 40 --note "…"``: a milestone of a problem (or action) in execution."""

from __future__ import annotations

from typing import Annotated

import typer
from sqlalchemy.ext.asyncio import AsyncSession

from backend.errors import MeydanError
from backend.jalali import format_datetime
from backend.lifecycle import stages
from backend.lifecycle.progress import record_progress
from backend.models import SUBJECTS
from backend.text import parse_int
from bot.commands import console, in_transaction, run


def progress(
    subject_id: Annotated[str, typer.Argument(help="The problem's number (or the action's finding number).")],
    percent: Annotated[str, typer.Option(help="How far execution is, 0 to 100 (100: done).")],
    note: Annotated[str | None, typer.Option(help="The milestone reached, shown on the public page.")] = None,
    kind: Annotated[str, typer.Option(help="problem, strategy, policy or project.")] = stages.PROBLEM,
) -> None:
    """Record execution progress (percent and a milestone note); 100 marks it done."""
    if kind not in SUBJECTS:
        raise MeydanError(f"--kind must be one of {', '.join(SUBJECTS)}, not {kind!r}")
    number, share = parse_int(subject_id), parse_int(percent)
    if number is None or share is None:
        raise MeydanError("give the number as digits, e.g. meydan progress 12 --percent 40")

    async def work(session: AsyncSession) -> stages.Stage:
        return await record_progress(session, number, percent=share, note=note, subject=kind, actor="cli")

    stage = run(in_transaction(work))
    when = format_datetime(stage.at, "en") if stage.at else ""
    console.print(f"{kind} {number}: {stage.stage} {stage.percent}% {stage.detail or ''} ({when})", highlight=False)
