"""``meydan export``: survey responses and findings as CSV or XLSX tables."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal

import typer
from sqlalchemy.ext.asyncio import AsyncSession

from backend.config import load_settings
from backend.errors import MeydanError
from backend.models import FINDING_KINDS
from backend.plan import load_plan, plan_zone
from bot.commands import console, in_transaction, run

if TYPE_CHECKING:
    import pandas as pd

# reports.tables.TableFormat, spelled out so that pandas (in the exports) loads only when exporting.
TableFormat = Literal["csv", "xlsx"]

app = typer.Typer(help="Exports: survey responses and findings as CSV or XLSX tables.", no_args_is_help=True)

Format = Annotated[
    TableFormat, typer.Option("--format", help="csv (UTF-8 with BOM, opens in Excel) or xlsx (a right-to-left sheet).")
]
Out = Annotated[
    Path | None,
    typer.Option("--out", help="The file to write; default <MEYDAN_DATA_DIR>/exports/<name>-<UTC time>.<format>."),
]


def default_path(name: str, fmt: str) -> Path:
    """``<MEYDAN_DATA_DIR>/exports/<name>-<UTC timestamp>.<fmt>``, its folder created."""
    folder = load_settings().data_dir / "exports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"{name}-{datetime.now(UTC):%Y%m%dT%H%M%SZ}.{fmt}"


def _export(
    name: str, fmt: TableFormat, out: Path | None, build: Callable[[AsyncSession], Awaitable[pd.DataFrame]]
) -> None:
    """Build a table in one transaction, write it, and print where it went and how many rows it has."""
    from reports.tables import write_table

    path = out or default_path(name, fmt)
    with console.status(f"exporting {name}…") as status:
        frame = run(in_transaction(build))
        status.update(f"writing {len(frame)} rows to {path}…")
        try:
            write_table(frame, path, fmt=fmt)
        except OSError as exc:
            raise MeydanError(f"cannot write {path}: {exc.strerror or exc}") from None
    console.print(f"{path}  ({len(frame)} rows)", highlight=False, soft_wrap=True)


@app.command("responses")
def responses(
    survey: Annotated[str, typer.Option("--survey", help="The survey code (see meydan survey list).")],
    fmt: Format,
    out: Out = None,
    include_unfinished: Annotated[
        bool, typer.Option("--include-unfinished", help="Also export the responses not completed yet.")
    ] = False,
) -> None:
    """Export a survey's responses: a row per response, a column per answer (pseudonyms only); a
    survey with repeats adds a table per repeat (a row per instance): more sheets in XLSX, and
    ``<name>-<repeat>.csv`` beside the CSV."""
    from backend.exports import responses_tables

    settings = load_settings()
    plan = load_plan(settings.plan_file)
    zone = plan_zone(settings, plan)

    async def build(session: AsyncSession) -> dict[str, pd.DataFrame]:
        return await responses_tables(session, survey, zone=zone, include_unfinished=include_unfinished, plan=plan)

    path = out or default_path(f"responses-{survey}", fmt)
    with console.status(f"exporting responses-{survey}…"):
        tables = run(in_transaction(build))
        _write_sheets(tables, path, fmt)
    repeats = "".join(f"; {name}: {len(frame)} rows" for name, frame in list(tables.items())[1:])
    console.print(f"{path}  ({len(tables['responses'])} rows{repeats})", highlight=False, soft_wrap=True)


def _write_sheets(tables: dict[str, pd.DataFrame], path: Path, fmt: TableFormat) -> None:
    """The first table at ``path``; the others as further XLSX sheets, or CSV files named after them."""
    from reports.tables import write_table, write_tables

    try:
        if fmt == "xlsx":
            write_tables(tables, path)
            return
        for index, (name, frame) in enumerate(tables.items()):
            write_table(frame, path if index == 0 else path.with_name(f"{path.stem}-{name}.csv"), fmt="csv")
    except OSError as exc:
        raise MeydanError(f"cannot write {path}: {exc.strerror or exc}") from None


@app.command("findings")
def findings(
    fmt: Format,
    out: Out = None,
    kind: Annotated[str | None, typer.Option(help=f"Only findings of this kind: {', '.join(FINDING_KINDS)}.")] = None,
    source: Annotated[str | None, typer.Option(help="Only findings from this information source code.")] = None,
) -> None:
    """Export the findings (deleted ones aside) with their meeting, origin and pseudonym."""
    from backend.exports import findings_frame

    async def build(session: AsyncSession) -> pd.DataFrame:
        return await findings_frame(session, kind=kind, source=source)

    _export("findings", fmt, out, build)


@app.command("votes")
def votes(
    fmt: Format,
    out: Out = None,
    body: Annotated[str | None, typer.Option(help="Only this approval body's agendas.")] = None,
) -> None:
    """Export the votes (members by pseudonym) and their audit trail: two sheets in XLSX,
    and ``<name>-audit.csv`` beside the CSV."""
    from backend.exports import vote_audit_frame, votes_frame

    path = out or default_path("votes", fmt)
    settings = load_settings()
    zone = plan_zone(settings, load_plan(settings.plan_file))

    async def build(session: AsyncSession) -> tuple[pd.DataFrame, pd.DataFrame]:
        return await votes_frame(session, zone=zone, body=body), await vote_audit_frame(session)

    with console.status("exporting votes…"):
        table, audit = run(in_transaction(build))
        _write_sheets({"votes": table, "audit": audit}, path, fmt)
    console.print(f"{path}  ({len(table)} votes, {len(audit)} audit entries)", highlight=False, soft_wrap=True)
