"""The weekly digest as files: an HTML page, an XLSX workbook and PNG charts, in Persian or English."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from backend.digest.build import Digest
from reports.digest.charts import digest_charts
from reports.digest.html import render_digest
from reports.digest.tables import SHEET_NAME_LIMIT, digest_tables
from reports.tables import write_tables


@dataclass(frozen=True)
class DigestFiles:
    """Where a digest was written."""

    html: Path
    xlsx: Path
    charts: list[Path]


def file_stem(digest: Digest, lang: str) -> str:
    """``digest-1404-W12-fa`` for a week, ``digest-2025-03-21_2025-03-27-fa`` for other periods."""
    period = digest.period
    span = f"{period.week[0]}-W{period.week[1]:02d}" if period.week else f"{period.first}_{period.last}"
    return f"digest-{span}-{lang}"


def write_digest(digest: Digest, lang: str, directory: Path) -> DigestFiles:
    """Write the digest in ``lang`` into ``directory``: HTML, XLSX (one sheet per table, right to
    left in Persian) and a ``<stem>-charts`` folder of PNGs."""
    directory.mkdir(parents=True, exist_ok=True)
    stem = file_stem(digest, lang)
    tables = digest_tables(digest, lang)
    charts = digest_charts(digest, lang)
    chart_dir = directory / f"{stem}-charts"
    chart_dir.mkdir(exist_ok=True)
    chart_paths = []
    for chart in charts:
        path = chart_dir / f"{chart.key}.png"
        path.write_bytes(chart.png)
        chart_paths.append(path)
    html = directory / f"{stem}.html"
    html.write_text(render_digest(digest, tables, charts, lang), encoding="utf-8")
    xlsx = write_tables(
        {table.sheet[:SHEET_NAME_LIMIT]: table.frame for table in tables}, directory / f"{stem}.xlsx", rtl=lang == "fa"
    )
    return DigestFiles(html, xlsx, chart_paths)
