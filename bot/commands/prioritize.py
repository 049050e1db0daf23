"""``meydan prioritize``: problems (or their strategies, policies, projects) ranked by the plan's
criteria, explained, with the stability of the top K; members' own rankings combined."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal

import typer
from rich.table import Table
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.errors import MeydanError
from backend.models import Problem
from backend.text import parse_int
from bot.commands import console
from bot.commands.aggregate import Format, Lang, Out, build, output, plan

if TYPE_CHECKING:  # pandas and the scoring load only when ranking
    import pandas as pd

    from backend.prioritize.priorities import Priorities
    from backend.prioritize.scoring import Explanation

app = typer.Typer(
    help="Rank problems by the plan's criteria (explained, with stability); combine members' rankings.",
    invoke_without_command=True,
)
SHOWN = [
    "rank",
    "title",
    "axis",
    "score",
    "mentions",
    "source_breadth",
    "stakeholder_breadth",
    "district_spread",
    "citizen_salience",
    "severity",
    "citizen_preference",
]
SHORT = {
    "source_breadth": "sources",
    "stakeholder_breadth": "groups",
    "district_spread": "districts",
    "citizen_salience": "salience",
    "citizen_preference": "preference",
}
ACTION_SHOWN = [
    "across_rank",
    "within_rank",
    "problem_id",
    "title",
    "score",
    "across_score",
    "mentions",
    "source_breadth",
    "stakeholder_breadth",
]


def _explained(item: Explanation) -> None:
    table = Table(
        title=f"#{item.rank}  problem {item.problem_id}  score {item.score:.3f}  {item.title}", title_justify="left"
    )
    for column in ("criterion", "raw", "normalized", "weight", "contribution"):
        table.add_column(column, justify="left" if column == "criterion" else "right")
    for part in item.parts:
        raw = "—" if part.raw is None else f"{part.raw:.4g}"
        table.add_row(part.criterion, raw, f"{part.normalized:.3f}", f"{part.weight:.3f}", f"{part.contribution:.3f}")
    console.print(table)
    for dimension in ("source", "stakeholder_group"):
        counts = item.evidence[dimension]
        console.print(
            f"  evidence by {dimension}: " + ", ".join(f"{k or '—'} {n}" for k, n in counts.items()), highlight=False
        )


def _parts(explained: list[Explanation]) -> pd.DataFrame:
    import pandas as pd

    return pd.DataFrame(
        [{"rank": e.rank, "problem_id": e.problem_id, **vars(part)} for e in explained for part in e.parts]
    )


@app.callback()
def ranking(
    ctx: typer.Context,
    top: Annotated[int, typer.Option(min=1, help="How many to show.")] = 20,
    explain: Annotated[
        bool, typer.Option(help="Show each problem's score by criterion and its evidence counts.")
    ] = False,
    axis: Annotated[str | None, typer.Option(help="Rank only this axis's problems.")] = None,
    working_group: Annotated[str | None, typer.Option(help="Rank only problems with findings from this group.")] = None,
    stability: Annotated[
        int | None,
        typer.Option(
            min=1, help="K: the share of random weight draws (each weight ±20 %) keeping each problem in the top K."
        ),
    ] = None,
    draws: Annotated[int, typer.Option(min=10, help="Weight draws for --stability.")] = 1000,
    kind: Annotated[
        Literal["problem", "strategy", "policy", "project"],
        typer.Option(
            help="Rank problems, or the strategies, policies or projects under them (within and across problems)."
        ),
    ] = "problem",
    fmt: Format = "table",
    out: Out = None,
    lang: Lang = "fa",
) -> None:
    """Rank problems by the plan's weighted criteria (weights or an AHP matrix in the plan file)."""
    if ctx.invoked_subcommand is not None:
        return
    from backend.aggregation.labels import with_names
    from backend.prioritize.actions import rank_actions
    from backend.prioritize.priorities import explain as explain_scores
    from backend.prioritize.priorities import prioritize

    the_plan = plan()

    async def work(session: AsyncSession) -> tuple[Priorities, pd.DataFrame | None, list[Explanation]]:
        priorities = await prioritize(session, the_plan, axis=axis, working_group=working_group)
        if kind != "problem":
            return priorities, await rank_actions(session, the_plan, priorities, kind), []
        shown = priorities.ranked.index[:top].tolist()
        return priorities, None, await explain_scores(session, priorities, shown) if explain else []

    priorities, actions, explained = build(work, "ranking")
    if actions is not None:
        output({kind: actions[ACTION_SHOWN].head(top)}, fmt, out, f"priorities-{kind}")
        return
    table = priorities.ranked[SHOWN].head(top)
    if stability is not None:
        table = table.assign(**{f"in_top_{stability}": priorities.stability(stability, draws=draws)})
    if fmt == "table":
        table = table.rename(columns=SHORT)
    sheets = {"priorities": with_names(table, the_plan, lang)}
    if explained and fmt != "table":
        sheets["explanation"] = _parts(explained)
    output(sheets, fmt, out, "priorities")
    if fmt == "table":
        for item in explained:
            _explained(item)


def _ballots(file: Path) -> list[list[int]]:
    """One ballot per line: problem numbers, best first; blank cells are ignored."""
    try:
        lines = list(csv.reader(file.read_text(encoding="utf-8-sig").splitlines()))
    except OSError as exc:
        raise MeydanError(f"cannot read {file}: {exc.strerror or exc}") from None
    ballots = []
    for number, line in enumerate(lines, start=1):
        ballot = []
        for cell in filter(str.strip, line):
            problem_id = parse_int(cell)
            if problem_id is None:
                raise MeydanError(f"{file} line {number}: {cell!r} is not a problem number")
            ballot.append(problem_id)
        if len(set(ballot)) != len(ballot):
            raise MeydanError(f"{file} line {number}: a problem is ranked twice")
        if ballot:
            ballots.append(ballot)
    if not ballots:
        raise MeydanError(f"{file} has no ballots: write one line per member, problem numbers best first")
    return ballots


@app.command("combine")
def combine(
    file: Annotated[Path, typer.Argument(help="CSV: one member's ranking per line, problem numbers best first.")],
    method: Annotated[Literal["schulze", "borda"], typer.Option(help="How to combine the rankings.")] = "schulze",
) -> None:
    """Combine members' own rankings of problems with the Schulze method or the Borda count."""
    from backend.prioritize.ballots import borda, schulze

    ballots = _ballots(file)
    points = dict(borda(ballots))
    order = schulze(ballots) if method == "schulze" else list(points)

    async def work(session: AsyncSession) -> dict[int, str]:
        return dict((await session.execute(select(Problem.id, Problem.title).where(Problem.id.in_(order)))).all())

    titles = build(work, "reading")
    table = Table(title=f"{len(ballots)} rankings combined ({method})", title_justify="left")
    for column in ("place", "problem", "Borda points", "title"):
        table.add_column(column, justify="left" if column == "title" else "right")
    for place, problem_id in enumerate(order, start=1):
        title = titles.get(problem_id, "(no such problem)")
        table.add_row(str(place), str(problem_id), f"{points[problem_id]:g}", title)
    console.print(table)
