"""Benchmark of a 137 export import: generate a file, import it, import it again (a no-op)."""

from __future__ import annotations

import csv
import random
import tempfile
import uuid
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from time import perf_counter

import jdatetime
from sqlalchemy.engine import URL

from backend import migrate
from backend.config import async_database_url, load_settings
from backend.db import create_engine, session_factory
from backend.imports.importer import import_file
from backend.imports.mapping import load_mapping
from backend.plan import Plan, load_plan, plan_zone

_PLACES = ("بلوار وکیل‌آباد", "میدان شهدا", "خیابان امام رضا", "بلوار سجاد", "الهیه", "طلاب", "قاسم‌آباد", "سیدی")
_ISSUES = (
    "ترافیک سنگین",
    "چاله و ناهمواری آسفالت",
    "کمبود روشنایی",
    "انباشت زباله",
    "نبود پیاده‌رو مناسب",
    "کمبود فضای سبز",
    "سد معبر دستفروشان",
    "تأخیر اتوبوس‌ها",
)
_WHEN = ("در ساعات اوج", "شب‌ها", "از چند ماه پیش", "پس از بارندگی", "در روزهای تعطیل")


def write_sample_137(path: Path, rows: int, plan: Plan, *, seed: int = 137, run: str = "") -> Path:
    """A plausible 137 export of ``rows`` rows with the bundled mapping's headers and vocabularies;
    ``run`` makes the request numbers (and so the rows) unique to one run."""
    mapping = load_mapping("137", plan)
    columns = mapping.columns
    rng = random.Random(seed)
    categories, areas = list(mapping.categories), list(mapping.areas)
    first_day = jdatetime.date(1403, 1, 1)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([columns.id, columns.text, columns.category, columns.area, columns.date, *mapping.ignore])
        for i in range(rows):
            text = f"{rng.choice(_ISSUES)} در {rng.choice(_PLACES)} {rng.choice(_WHEN)}"
            day = first_day + timedelta(days=rng.randrange(365))
            writer.writerow(
                [
                    f"{run}{i + 1}",
                    text,
                    rng.choice(categories),
                    rng.choice(areas),
                    f"{day.year}/{day.month:02d}/{day.day:02d}",
                    "واحد خدمات شهری",
                    "بسته شده",
                    "",
                ]
            )
    return path


def _counter(total: int, progress: Callable[[int, int, str], None] | None) -> Callable[[int], None] | None:
    """The importer's per-chunk callback as ``progress(done, total, note)``."""
    if progress is None:
        return None
    done = 0

    def advance(rows: int) -> None:
        nonlocal done
        done += rows
        progress(done, total, "importing the 137 export")

    return advance


async def bench_import(
    rows: int, database_url: str | URL, progress: Callable[[int, int, str], None] | None = None
) -> dict[str, float | int]:
    """Import a generated 137 export of ``rows`` rows into ``database_url`` (migrated first; give it
    an empty scratch database), then the same file again; returns rows, imported, seconds,
    rows_per_second and reimport_seconds. ``progress(done, total, note)`` follows the import."""
    plan = load_plan()
    zone = plan_zone(load_settings(), plan)
    url = database_url if isinstance(database_url, URL) else async_database_url(database_url)
    engine = create_engine(url)
    try:
        await migrate.upgrade(engine)
        sessions = session_factory(engine)
        with tempfile.TemporaryDirectory() as folder:
            path = write_sample_137(Path(folder) / "137.csv", rows, plan, run=f"{uuid.uuid4().hex[:8]}-")
            started = perf_counter()
            async with sessions() as session, session.begin():
                result = await import_file(session, plan, "137", path, zone=zone, progress=_counter(rows, progress))
            seconds = perf_counter() - started
            started = perf_counter()
            async with sessions() as session, session.begin():
                again = await import_file(session, plan, "137", path, zone=zone)
            reimport_seconds = perf_counter() - started
    finally:
        await engine.dispose()
    assert again.imported == 0, "re-importing the same file must add nothing"
    return {
        "rows": rows,
        "imported": result.imported,
        "seconds": round(seconds, 3),
        "rows_per_second": round(rows / seconds) if seconds else 0,
        "reimport_seconds": round(reimport_seconds, 3),
    }
