"""``meydan import``: citizen-poll exports (Shahr-e Man app, 137 line) as findings."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table
from sqlalchemy.ext.asyncio import AsyncSession

from backend.config import load_settings
from backend.plan import load_plan, plan_zone
from bot.commands import console, in_transaction, run

if TYPE_CHECKING:  # backend.imports loads pandas: only when importing
    from backend.imports import BadRow, ImportResult

app = typer.Typer(help="Import citizen-poll exports (CSV or XLSX) as citizen_poll findings.", no_args_is_help=True)

File = Annotated[Path, typer.Argument(help="The export: .csv (UTF-8 or Windows-1256) or .xlsx.")]
Mapping = Annotated[
    Path | None,
    typer.Option(help="A column-mapping YAML file instead of the bundled one (see backend/imports/mappings/)."),
]
SkipBad = Annotated[
    bool, typer.Option(help="Import the good rows and list the bad ones, instead of importing nothing.")
]
MAX_LISTED = 50


def _bad_rows(bad: list[BadRow]) -> None:
    table = Table(title=f"{len(bad)} bad row(s)", title_justify="left")
    table.add_column("row", justify="right")
    table.add_column("reason")
    for row in bad[:MAX_LISTED]:
        table.add_row(str(row.row_number), row.reason)
    console.print(table)
    if len(bad) > MAX_LISTED:
        console.print(f"… and {len(bad) - MAX_LISTED} more", highlight=False)


def _import(kind: str, file: Path, mapping: Path | None, skip_bad: bool) -> None:
    from backend.imports import ImportFailed, import_file

    settings = load_settings()
    plan = load_plan(settings.plan_file)
    with Progress(
        TextColumn("importing"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=console,
        transient=True,
    ) as progress:
        task = progress.add_task("rows", total=None)

        async def work(session: AsyncSession) -> ImportResult:
            return await import_file(
                session,
                plan,
                kind,
                file,
                zone=plan_zone(settings, plan),
                mapping_path=mapping,
                skip_bad=skip_bad,
                progress=lambda n: progress.advance(task, n),
            )

        try:
            result = run(in_transaction(work))
        except ImportFailed as failed:
            progress.stop()
            _bad_rows(failed.bad)
            console.print(f"[red]{failed}[/]", highlight=False)
            raise typer.Exit(1) from None
    if result.batch_id is None:
        console.print(
            f"{file.name} was already imported (batch {result.previous_batch}); nothing added", highlight=False
        )
        return
    if result.bad:
        _bad_rows(result.bad)
    console.print(
        f"batch {result.batch_id}: {result.imported} finding(s) imported from {file.name}; "
        f"{result.already} row(s) already imported; {len(result.bad)} bad row(s) skipped",
        highlight=False,
    )
    if result.unknown_columns:
        console.print(f"columns not used: {', '.join(result.unknown_columns)}", style="dim", highlight=False)


@app.command("shahreman")
def shahreman(file: File, mapping: Mapping = None, skip_bad: SkipBad = False) -> None:
    """An export of the Shahr-e Man (شهرمن) app's polls."""
    _import("shahreman", file, mapping, skip_bad)


@app.command("137")
def line_137(file: File, mapping: Mapping = None, skip_bad: SkipBad = False) -> None:
    """An export of the 137 request line (سامانه ۱۳۷)."""
    _import("137", file, mapping, skip_bad)
