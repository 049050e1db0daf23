"""Reading an export (CSV or XLSX) as text cells, and finding the mapped columns in it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from backend.errors import MeydanError
from backend.imports.mapping import ImportMapping, match_key

CSV_ENCODINGS = ("utf-8-sig", "cp1256")  # UTF-8 (with or without BOM), then Windows Arabic/Persian
EXCEL_SUFFIXES = (".xlsx", ".xlsm")


@dataclass(frozen=True)
class Layout:
    """The export's header for each mapped field present, and the headers nobody maps."""

    headers: dict[str, str]
    unknown: list[str]


def read_table(path: Path) -> pd.DataFrame:
    """Every cell of the first sheet (or the CSV) as a string, empty cells as ""."""
    suffix = path.suffix.lower()
    try:
        if suffix in EXCEL_SUFFIXES:
            return pd.read_excel(path, dtype=str, keep_default_na=False)
        if suffix == ".csv":
            return _read_csv(path)
    except FileNotFoundError:
        raise MeydanError(f"{path}: not found") from None
    except (ValueError, OSError, pd.errors.ParserError) as exc:
        raise MeydanError(f"{path.name}: cannot be read as {suffix[1:].upper()} ({exc})") from None
    raise MeydanError(f"{path.name}: expected a CSV (.csv) or Excel (.xlsx) export")


def _read_csv(path: Path) -> pd.DataFrame:
    for encoding in CSV_ENCODINGS:
        try:
            return pd.read_csv(path, dtype=str, keep_default_na=False, encoding=encoding)
        except UnicodeDecodeError:
            continue
    raise MeydanError(f"{path.name}: not UTF-8 or Windows-1256 text; save the CSV as UTF-8")


def layout(frame: pd.DataFrame, mapping: ImportMapping, file_name: str) -> Layout:
    """Match the mapped columns to the file's headers (normalized); a MeydanError listing the
    missing and the unknown columns if a mapped one is absent."""
    present = {match_key(h): str(h) for h in frame.columns}
    wanted = {field: header for field, header in mapping.columns.model_dump().items() if header}
    missing = [header for header in wanted.values() if match_key(header) not in present]
    known = {match_key(h) for h in [*wanted.values(), *mapping.ignore]}
    unknown = [header for key, header in present.items() if key not in known]
    if missing:
        raise MeydanError(
            f"{file_name}: missing column(s) {', '.join(map(repr, missing))}"
            + (f"; unknown column(s) {', '.join(map(repr, unknown))}" if unknown else "")
            + f". The {mapping.kind} mapping expects {', '.join(map(repr, wanted.values()))}; "
            "fix the header row or pass --mapping with your own mapping file. Nothing was imported."
        )
    return Layout({field: present[match_key(header)] for field, header in wanted.items()}, unknown)
