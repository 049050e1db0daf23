"""Importing an export as ``citizen_poll`` findings in one transaction, each row kept as evidence.

A file already imported (same SHA-256) adds nothing; rows already imported from another file
(same id, or same cells) are skipped; a file with bad rows writes nothing unless ``skip_bad``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, time, tzinfo
from pathlib import Path

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.errors import MeydanError
from backend.imports.mapping import ImportMapping, load_mapping
from backend.imports.rows import BadRow, Record, convert
from backend.imports.table import layout, read_table
from backend.models import Finding, ImportBatch, ImportRow, utcnow
from backend.plan import Plan
from backend.services.findings import new_finding

SOURCE = "citizen_poll"
CHUNK = 5_000
NOON = time(12)
FINDING_FIELDS = (
    "kind",
    "text",
    "normalized_text",
    "source",
    "stakeholder_group",
    "axis",
    "district",
    "import_row_id",
    "created_at",
    "flags",
)

Progress = Callable[[int], None]


class ImportFailed(MeydanError):
    """The file has bad rows and ``skip_bad`` was not given: nothing was written."""

    def __init__(self, file_name: str, bad: list[BadRow]) -> None:
        super().__init__(
            f"{file_name}: {len(bad)} bad row(s); nothing was imported "
            "(fix them, or pass --skip-bad to import the good rows)"
        )
        self.bad = bad


@dataclass(frozen=True)
class ImportResult:
    """What an import did: the batch (None if the file was seen before), rows imported, rows
    skipped as already imported, bad rows left out and headers nobody maps."""

    batch_id: int | None
    imported: int = 0
    already: int = 0
    bad: list[BadRow] = field(default_factory=list)
    unknown_columns: list[str] = field(default_factory=list)
    previous_batch: int | None = None


def file_sha256(path: Path) -> str:
    """The SHA-256 of a file's bytes."""
    digest = hashlib.sha256()
    try:
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    except FileNotFoundError:
        raise MeydanError(f"{path}: not found") from None
    return digest.hexdigest()


async def import_file(
    session: AsyncSession,
    plan: Plan,
    kind: str,
    path: Path,
    *,
    zone: tzinfo,
    mapping_path: Path | None = None,
    skip_bad: bool = False,
    progress: Progress | None = None,
) -> ImportResult:
    """Import a Shahr-e Man or 137 export (CSV or XLSX) into the caller's transaction; a row's date
    is taken as noon in ``zone`` (the plan's)."""
    mapping = load_mapping(kind, plan, mapping_path)
    sha = file_sha256(path)
    previous = await session.scalar(select(ImportBatch.id).where(ImportBatch.file_sha256 == sha))
    if previous is not None:
        return ImportResult(None, previous_batch=previous)
    frame = read_table(path)
    columns = layout(frame, mapping, path.name)
    converted = convert(frame, columns, mapping)
    if converted.bad and not skip_bad:
        raise ImportFailed(path.name, converted.bad)
    batch = ImportBatch(kind=kind, file_name=path.name[:255], file_sha256=sha)
    session.add(batch)
    await session.flush()
    imported = 0
    for chunk in _chunks(converted.records):
        imported += await _write(session, batch, mapping, chunk, zone)
        if progress is not None:
            progress(len(chunk))
    batch.row_count = imported
    return ImportResult(
        batch.id, imported, len(converted.records) - imported + converted.repeated, converted.bad, columns.unknown
    )


def _chunks(records: list[Record]) -> Iterator[list[Record]]:
    for start in range(0, len(records), CHUNK):
        yield records[start : start + CHUNK]


async def _write(
    session: AsyncSession, batch: ImportBatch, mapping: ImportMapping, chunk: list[Record], zone: tzinfo
) -> int:
    """Store the rows not imported before and a finding for each; returns how many.

    Plain multi-row inserts (no RETURNING, which SQLite would run row by row): the new rows'
    ids are read back by fingerprint.
    """
    seen = set(
        (
            await session.scalars(
                select(ImportRow.fingerprint).where(ImportRow.fingerprint.in_([r.fingerprint for r in chunk]))
            )
        ).all()
    )
    fresh = [r for r in chunk if r.fingerprint not in seen]
    if not fresh:
        return 0
    await session.execute(
        insert(ImportRow.__table__),
        [
            {"batch_id": batch.id, "row_number": r.row_number, "fingerprint": r.fingerprint, "data": r.data}
            for r in fresh
        ],
    )
    row_ids = dict(
        (
            await session.execute(
                select(ImportRow.fingerprint, ImportRow.id).where(
                    ImportRow.batch_id == batch.id, ImportRow.fingerprint.in_([r.fingerprint for r in fresh])
                )
            )
        ).all()
    )
    now = utcnow()
    findings = [
        new_finding(
            kind="problem",
            text=r.text,
            source=SOURCE,
            stakeholder_group=mapping.stakeholder_group,
            axis=r.axis,
            district=r.district,
            import_row_id=row_ids[r.fingerprint],
            created_at=datetime.combine(r.dated, NOON, zone) if r.dated else now,
        )
        for r in fresh
    ]
    await session.execute(
        insert(Finding.__table__), [{key: getattr(f, key) for key in FINDING_FIELDS} for f in findings]
    )
    return len(fresh)
