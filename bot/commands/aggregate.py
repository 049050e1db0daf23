"""``meydan aggregate``: findings counted by plan dimensions, survey results, the coverage matrix."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal, TypeVar

import typer
from rich.table import Table
from sqlalchemy.ext.asyncio import AsyncSession

from backend.config import load_settings
from backend.errors import MeydanError
from backend.plan import Plan, load_plan, plan_zone
from bot.commands import console, in_transaction, run

if TYPE_CHECKING:  # pandas loads only when a table is built
    import pandas as pd

T = TypeVar("T")
OutputFormat = Literal["table", "csv", "xlsx"]
Language = Literal["fa", "en"]
Format = Annotated[
    OutputFormat,
    typer.Option("--format", help="table (on screen), csv (UTF-8 with BOM) or xlsx (right-to-left sheets)."),
]
Out = Annotated[
    Path | None,
    typer.Option(help="The csv/xlsx file to write; default <MEYDAN_DATA_DIR>/exports/<name>-<UTC time>.<format>."),
]
Lang = Annotated[Language, typer.Option("--lang", help="Names of axes, groups, sources... in Persian or English.")]
TITLE_WIDTH = 48
DIMENSIONS_HELP = "axis, working_group, source, stakeholder_group, district, kind, week (Jalali)"

app = typer.Typer(
    help=f"Aggregates: findings by {DIMENSIONS_HELP}; survey results; source coverage.", invoke_without_command=True
)


def plan() -> Plan:
    """The plan of MEYDAN_PLAN_FILE (or the bundled one)."""
    return load_plan(load_settings().plan_file)


def split_list(text: str) -> list[str]:
    """``"a, b,c"`` -> ``["a", "b", "c"]``."""
    return [part.strip() for part in text.split(",") if part.strip()]


def _cell(value: object) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return "—"
    if isinstance(value, float):
        return f"{value:.3f}"
    return str(value)


def print_frame(frame: pd.DataFrame, title: str | None = None) -> None:
    """A DataFrame (index included when named) as a rich table."""
    shown = frame.reset_index() if frame.index.name else frame
    table = Table(title=title, title_justify="left")
    for column in shown.columns:
        if column == "title":  # one line each; ``meydan problems show`` has the whole text
            table.add_column("title", no_wrap=True, overflow="ellipsis", max_width=TITLE_WIDTH)
        else:
            table.add_column(str(column), justify="right" if shown[column].dtype.kind in "iuf" else "left")
    for row in shown.itertuples(index=False):
        table.add_row(*map(_cell, row))
    console.print(table)


def output(sheets: Mapping[str, pd.DataFrame], fmt: OutputFormat, out: Path | None, name: str) -> None:
    """Show the tables, or write them: one XLSX with a sheet each, or a CSV each (the first at
    ``out``, the others beside it as ``<stem>-<sheet>.csv``)."""
    from bot.commands.export import default_path
    from reports.tables import write_table, write_tables

    if fmt == "table":
        for title, frame in sheets.items():
            print_frame(frame, title if len(sheets) > 1 else None)
        return
    path = out or default_path(name, fmt)
    sheets = {sheet: frame.reset_index() if frame.index.name else frame for sheet, frame in sheets.items()}
    try:
        if fmt == "xlsx":
            write_tables(sheets, path)
        else:
            for i, (sheet, frame) in enumerate(sheets.items()):
                write_table(frame, path if i == 0 else path.with_name(f"{path.stem}-{sheet}.csv"), fmt="csv")
    except OSError as exc:
        raise MeydanError(f"cannot write {path}: {exc.strerror or exc}") from None
    rows = (
        ", ".join(f"{sheet}: {len(frame)}" for sheet, frame in sheets.items())
        if len(sheets) > 1
        else str(len(next(iter(sheets.values()))))
    )
    console.print(f"{path}  ({rows} rows)", highlight=False, soft_wrap=True)


def build(work: Callable[[AsyncSession], Awaitable[T]], doing: str = "aggregating") -> T:
    """Run ``work`` in one transaction behind a spinner."""
    with console.status(f"{doing}…"):
        return run(in_transaction(work))


@app.callback()
def findings(
    ctx: typer.Context,
    by: Annotated[str, typer.Option(help=f"Comma-separated dimensions: {DIMENSIONS_HELP}.")] = "axis",
    kind: Annotated[
        str | None, typer.Option(help="Only findings of this kind: problem, strategy, policy, project.")
    ] = None,
    fmt: Format = "table",
    out: Out = None,
    lang: Lang = "fa",
) -> None:
    """Count the findings by the dimensions of ``--by``, with each group's share of all of them."""
    if ctx.invoked_subcommand is not None:
        return
    from backend.aggregation.findings import count_findings
    from backend.aggregation.labels import with_names

    dimensions, the_plan = split_list(by), plan()

    async def work(session: AsyncSession) -> pd.DataFrame:
        return await count_findings(session, dimensions, zone=str(plan_zone(load_settings(), the_plan)), kind=kind)

    output({"findings": with_names(build(work), the_plan, lang)}, fmt, out, f"findings-by-{'-'.join(dimensions)}")


@app.command("survey")
def survey(
    code: Annotated[str, typer.Argument(help="The survey code (see meydan survey list).")],
    segment: Annotated[
        str,
        typer.Option(
            help="Comma-separated segments: district, stakeholder_group, or a single-choice question such as age_band."
        ),
    ] = "",
    fmt: Format = "table",
    out: Out = None,
    lang: Lang = "fa",
) -> None:
    """A survey's results per question by segment, with completion and response rates."""
    from backend.aggregation.labels import with_names
    from backend.aggregation.surveys import SurveyResults, survey_results

    segments, the_plan = split_list(segment), plan()

    async def work(session: AsyncSession) -> SurveyResults:
        return await survey_results(session, code, segments=segments)

    results = build(work)
    sheets = {"completion": results.completion, "questions": results.questions, "values": results.values}
    output({name: with_names(frame, the_plan, lang) for name, frame in sheets.items()}, fmt, out, f"survey-{code}")


@app.command("coverage")
def coverage(fmt: Format = "table", out: Out = None, lang: Lang = "fa") -> None:
    """The coverage matrix: per working group, findings from each information source, and the gaps."""
    from backend.aggregation.coverage import coverage as coverage_matrix
    from backend.aggregation.labels import plan_name, with_names

    the_plan = plan()

    async def work(session: AsyncSession) -> pd.DataFrame:
        return await coverage_matrix(session, the_plan)

    named = with_names(build(work), the_plan, lang)
    if fmt != "table":  # on screen the short source codes keep the matrix readable
        named = named.rename(columns={s.code: plan_name(the_plan, "source", s.code, lang) for s in the_plan.sources})
    output({"coverage": named}, fmt, out, "coverage")
