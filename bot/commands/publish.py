"""``meydan publish --out DIR``: the public results as a static site (for the municipality's website)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy.ext.asyncio import AsyncSession

from backend.context import AppContext
from backend.public.results import results
from bot.commands import console, in_app, run


def publish(
    out: Annotated[Path, typer.Option(help="The folder to write the site into (created if missing).")],
) -> None:
    """Write the public pages (Persian and English), the open data (JSON, CSV) and the style sheet
    into OUT: relative links only, nothing loaded from outside the folder, no personal data."""
    from reports.public.site import Site, write_site

    async def work(app: AppContext, session: AsyncSession) -> Site:
        return Site(await results(session, app.plan, app.zone), app.plan, app.zone)

    site = run(in_app(work))
    files = write_site(site, out)
    console.print(f"{files} files written to {out} ({len(site.results.problems)} problems)", highlight=False)
