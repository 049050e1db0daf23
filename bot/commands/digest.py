"""``meydan digest``: the weekly digest (HTML, XLSX, PNG charts) of a Jalali week or a span of days."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

import typer
from rich.table import Table
from sqlalchemy.ext.asyncio import AsyncSession

from backend.context import AppContext
from backend.errors import MeydanError
from backend.jalali import today_local
from bot.commands import console, in_app, run

Language = Literal["fa", "en"]


def command(
    out: Annotated[Path, typer.Option("--out", help="The folder to write the digest into.")],
    week: Annotated[str | None, typer.Option(help="A Jalali week, e.g. 1404-W12 (any digits).")] = None,
    first: Annotated[str | None, typer.Option("--from", help="First day (Jalali 1404/01/15 or ISO).")] = None,
    last: Annotated[str | None, typer.Option("--to", help="Last day, inclusive (default today).")] = None,
    lang: Annotated[Language, typer.Option("--lang", help="Persian (right to left) or English.")] = "fa",
    top: Annotated[int, typer.Option(min=1, max=100, help="How many top problems to show.")] = 10,
) -> None:
    """Build the digest of a week (default: the current Jalali week, Saturday to Friday, in the
    plan's time zone) or of --from/--to, compared with the period before it."""
    if out.exists() and not out.is_dir():
        raise MeydanError(f"--out {out} is a file; give the folder to write the digest into")
    from backend.digest.build import build_digest
    from backend.digest.period import parse_period
    from reports.digest import write_digest

    async def work(app: AppContext, session: AsyncSession):  # type: ignore[no-untyped-def]
        zone = app.zone
        period = parse_period(week, first, last, today_local(zone), zone)
        digest = await build_digest(session, app.plan, period, top=top)
        return digest, write_digest(digest, lang, out)

    digest, files = run(in_app(work))
    totals = digest.participation.totals
    table = Table(
        title=f"Digest {digest.period.label('en')} ({digest.period.first} to {digest.period.last})",
        title_justify="left",
    )
    for name in ("figure", "this period", "previous", "change"):
        table.add_column(name, justify="left" if name == "figure" else "right")
    for key, row in totals.iterrows():
        table.add_row(str(key).replace("_", " "), str(row.current), str(row.previous), f"{row.change:+d}")
    console.print(table)
    console.print(f"HTML:   {files.html}\nXLSX:   {files.xlsx}\nCharts: {len(files.charts)} in {files.html.parent}")
