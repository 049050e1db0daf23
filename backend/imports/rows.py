"""Turning export rows into findings-to-be, or into the reason each bad row is refused."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date, datetime

import pandas as pd

from backend.imports.mapping import JALALI, ImportMapping, match_key
from backend.imports.table import Layout
from backend.jalali import parse_date

HEADER_ROWS = 1  # row numbers are those a spreadsheet shows: the header is row 1


@dataclass(frozen=True)
class Record:
    """A good row: its number, fingerprint, original cells, and the finding's fields."""

    row_number: int
    fingerprint: str
    data: dict[str, str]
    text: str
    axis: str | None
    district: str | None
    dated: date | None


@dataclass(frozen=True)
class BadRow:
    """A refused row and why, in words a person can act on."""

    row_number: int
    reason: str


@dataclass(frozen=True)
class Converted:
    """Every row of a file sorted into good, bad and repeated (same fingerprint as an earlier row)."""

    records: list[Record]
    bad: list[BadRow]
    repeated: int


def _date(value: str, date_format: str) -> date | None:
    if date_format == JALALI:
        return parse_date(value.split()[0])
    try:
        return datetime.strptime(value, date_format).date()
    except ValueError:
        return None


def fingerprint(kind: str, data: dict[str, str], row_id: str) -> str:
    """What makes a row the same row in a later export: its id if it has one, else all its cells."""
    basis = (
        f"id:{match_key(row_id)}"
        if row_id
        else "row:" + json.dumps({k: match_key(v) for k, v in data.items()}, ensure_ascii=False, sort_keys=True)
    )
    return hashlib.sha256(f"{kind}:{basis}".encode()).hexdigest()


def _convert(row: dict[str, str], number: int, layout: Layout, mapping: ImportMapping) -> Record | BadRow:
    cell = {field: row[header].strip() for field, header in layout.headers.items()}
    if not cell["text"]:
        return BadRow(number, f"empty {layout.headers['text']!r}")
    axis = mapping.axis_of.get(match_key(cell["category"])) if cell["category"] else None
    if cell["category"] and axis is None:
        return BadRow(number, f"category {cell['category']!r} is not in the mapping")
    area = cell.get("area", "")
    district = mapping.district_of.get(match_key(area)) if area else None
    if area and district is None:
        return BadRow(number, f"area {area!r} is not in the mapping")
    raw_date = cell.get("date", "")
    dated = _date(raw_date, mapping.date_format) if raw_date else None
    if raw_date and dated is None:
        return BadRow(number, f"date {raw_date!r} is not a {mapping.date_format} date")
    return Record(number, fingerprint(mapping.kind, row, cell.get("id", "")), row, cell["text"], axis, district, dated)


def convert(frame: pd.DataFrame, layout: Layout, mapping: ImportMapping) -> Converted:
    """Check and convert every row; a row whose fingerprint was already seen in the file is counted
    as repeated, not imported twice."""
    records: list[Record] = []
    bad: list[BadRow] = []
    seen: set[str] = set()
    repeated = 0
    for index, row in enumerate(frame.to_dict("records")):
        result = _convert({str(k): str(v) for k, v in row.items()}, index + HEADER_ROWS + 1, layout, mapping)
        if isinstance(result, BadRow):
            bad.append(result)
        elif result.fingerprint in seen:
            repeated += 1
        else:
            seen.add(result.fingerprint)
            records.append(result)
    return Converted(records, bad, repeated)
