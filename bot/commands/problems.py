"""``meydan problems``: integrate findings into problems; list, show, merge, split and confirm them."""

from __future__ import annotations

import getpass
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table
from sqlalchemy.ext.asyncio import AsyncSession

from backend.integration import DEFAULT_THRESHOLD
from bot.commands import console, in_app, run
from bot.commands.aggregate import TITLE_WIDTH, Lang, build, plan

if TYPE_CHECKING:  # the services load numpy, scipy and scikit-learn: only when used
    from backend.context import AppContext
    from backend.integration.evidence import Evidence
    from backend.integration.problems import IntegrationReport, ProblemSummary
    from backend.models import Problem

app = typer.Typer(
    help="Problems: findings merged by integration; people's merges, splits and confirmations.", no_args_is_help=True
)

ProblemId = Annotated[int, typer.Argument(help="The problem's number (see meydan problems list).")]
By = Annotated[str, typer.Option("--by", help="Who decides (kept with the decision); default: your user name.")]


def _who(by: str) -> str:
    return by or getpass.getuser()


@app.command("integrate")
def integrate(
    threshold: Annotated[
        float,
        typer.Option(
            min=0.01,
            max=1.0,
            help="Mean cosine similarity (issues and words, at one place) at which findings are one problem.",
        ),
    ] = DEFAULT_THRESHOLD,
) -> None:
    """Group every problem finding into problems (the same issue at the same place), keeping people's decisions."""
    from backend.integration import problems

    places = plan().places

    async def work(session: AsyncSession) -> IntegrationReport:
        return await problems.integrate(session, threshold=threshold, places=places)

    done = build(work, "integrating")
    console.print(
        f"{done.findings} findings in {done.problems} problems: {done.created} new, {done.removed} removed, "
        f"{done.moved} findings (re)linked (threshold {done.threshold})",
        highlight=False,
    )


@app.command("list")
def list_(
    axis: Annotated[str | None, typer.Option(help="Only problems of this axis code.")] = None,
    status: Annotated[str | None, typer.Option(help="Only proposed or confirmed problems.")] = None,
    limit: Annotated[int, typer.Option(min=1, help="How many, most findings first.")] = 50,
    lang: Lang = "fa",
) -> None:
    """List problems with their findings, sources and stakeholder groups."""
    from backend.aggregation.labels import plan_name
    from backend.integration import problems

    the_plan = plan()

    async def work(session: AsyncSession) -> list[ProblemSummary]:
        return await problems.summaries(session, axis=axis, status=status, limit=limit)

    table = Table()
    table.add_column("#", justify="right")
    table.add_column("title", no_wrap=True, overflow="ellipsis", max_width=TITLE_WIDTH)
    table.add_column("public title", no_wrap=True, overflow="ellipsis", max_width=TITLE_WIDTH)
    for column in ("axis", "status", "findings", "sources", "groups"):
        table.add_column(column, justify="left" if column in ("axis", "status") else "right")
    for p in build(work, "listing"):
        table.add_row(
            str(p.id),
            p.title,
            p.public_title or "—",
            str(plan_name(the_plan, "axis", p.axis, lang) or "—"),
            p.status,
            str(p.findings),
            str(p.sources),
            str(p.stakeholder_groups),
        )
    console.print(table)


def _evidence_table(evidence: Evidence) -> Table:
    from backend.integration.matching import describe

    table = Table(title=f"{evidence.total} findings (first {len(evidence.findings)})", title_justify="left")
    for column in (
        "finding",
        "source",
        "group",
        "working group",
        "district",
        "severity",
        "similarity",
        "why",
        "origin",
        "text",
    ):
        table.add_column(column)
    for item in evidence.findings:
        origin = f"{item.origin.kind} #{item.origin.id} ({item.origin.detail})" if item.origin else "—"
        similarity = f"{item.similarity:.2f}" if item.similarity is not None else "—"
        table.add_row(
            f"#{item.finding_id}{' ✓' if item.confirmed else ''}",
            item.source,
            item.stakeholder_group or "—",
            item.working_group or "—",
            item.district or "—",
            str(item.severity or "—"),
            similarity,
            describe(item.reason),
            origin,
            item.text,
        )
    return table


@app.command("show")
def show(
    problem_id: ProblemId, limit: Annotated[int, typer.Option(min=1, help="How many findings to list.")] = 20
) -> None:
    """A problem's evidence: findings by source, stakeholder group, working group and district,
    each with its meeting, survey answer or import row (✓: a person confirmed it belongs)."""
    from backend.integration import problems
    from backend.integration.evidence import evidence

    async def work(session: AsyncSession) -> Evidence:
        return await evidence(session, await problems.get(session, problem_id), limit=limit)

    found = build(work, "reading")
    problem = found.problem
    console.print(f"#{problem.id} [{problem.status}] {problem.title}  (axis: {problem.axis or '—'})", highlight=False)
    for dimension, counts in found.counts.items():
        console.print(
            f"  by {dimension}: " + ", ".join(f"{value or '—'} {n}" for value, n in counts.items()), highlight=False
        )
    console.print(_evidence_table(found))


def _decided(problem: Problem, what: str) -> None:
    console.print(f"#{problem.id} {what}: {problem.title}", highlight=False)


@app.command("merge")
def merge(
    problem_id: ProblemId,
    other_id: Annotated[int, typer.Argument(help="The problem merged into the first.")],
    by: By = "",
) -> None:
    """Merge problem OTHER into PROBLEM; the merge is confirmed and kept by later integrations."""
    from backend.integration import problems

    async def work(session: AsyncSession) -> Problem:
        return await problems.merge(session, problem_id, other_id, decided_by=_who(by))

    _decided(build(work, "merging"), f"now holds #{other_id}'s findings (confirmed)")


@app.command("split")
def split(
    problem_id: ProblemId,
    finding: Annotated[list[int], typer.Option("--finding", help="A finding to split off (repeatable).")],
    by: By = "",
) -> None:
    """Split findings off a problem into a new one; both are confirmed and kept apart from now on."""
    from backend.integration import problems

    async def work(session: AsyncSession) -> Problem:
        return await problems.split(session, problem_id, finding, decided_by=_who(by))

    _decided(build(work, "splitting"), f"split off #{problem_id} (confirmed)")


@app.command("confirm")
def confirm(problem_id: ProblemId, by: By = "") -> None:
    """Confirm a proposed problem as it stands: its findings stay together in later integrations."""
    from backend.integration import problems

    async def work(session: AsyncSession) -> Problem:
        return await problems.confirm(session, problem_id, decided_by=_who(by))

    _decided(build(work, "confirming"), "confirmed")


@app.command("public-title")
def public_title(
    problem_id: ProblemId,
    title: Annotated[str, typer.Argument(help="The title the public pages show; empty clears it.")],
    by: By = "",
) -> None:
    """Set a problem's public title (the committee's wording, separate from the citizens' words); audited."""
    from backend.committee.titles import set_public_title

    async def work(app: AppContext, _session: AsyncSession) -> Problem:
        return await set_public_title(app, _who(by), problem_id, title)

    problem = run(in_app(work))
    console.print(f"#{problem.id} public title: {problem.public_title or '—'}", highlight=False)
