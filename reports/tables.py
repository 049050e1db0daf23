"""Tables to files: CSV that Excel opens in Persian, and right-to-left XLSX sheets.

Every text cell that a spreadsheet could take for a formula (it begins with ``=``, ``+``,
``-``, ``@``, a tab or a carriage return) is neutralized: prefixed with ``'`` in CSV, stored
as an explicit text cell in XLSX. Numbers, negative ones too, stay numbers.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from numbers import Number
from pathlib import Path
from typing import Any, Literal, get_args

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from pandas.api.types import is_numeric_dtype

TableFormat = Literal["csv", "xlsx"]
FORMATS: tuple[str, ...] = get_args(TableFormat)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
WIDTH_SAMPLE = 200
MIN_WIDTH, MAX_WIDTH = 6, 60


def is_formula_like(value: object) -> bool:
    """Whether ``value`` is text a spreadsheet would evaluate as a formula."""
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def write_table(
    frame: pd.DataFrame, path: Path, *, fmt: TableFormat, sheet_name: str = "data", rtl: bool = True
) -> Path:
    """Write ``frame`` (without its index) to ``path`` as CSV (UTF-8 with BOM, CRLF lines as
    RFC 4180 and Excel have them) or a one-sheet XLSX named ``sheet_name``; returns ``path``."""
    if fmt == "csv":
        _csv_safe(frame).to_csv(path, index=False, encoding="utf-8-sig", lineterminator="\r\n")
        return path
    if fmt == "xlsx":
        return write_tables({sheet_name: frame}, path, rtl=rtl)
    raise ValueError(f"unknown table format {fmt!r}; expected one of {', '.join(FORMATS)}")


def _quoted(value: Any) -> Any:
    return f"'{value}" if is_formula_like(value) else value


def _csv_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose formula-like texts (titles included) begin with ``'``."""
    safe = frame.copy()
    for index in range(safe.shape[1]):
        if not is_numeric_dtype(safe.dtypes.iloc[index]):
            safe.isetitem(index, safe.iloc[:, index].map(_quoted))
    safe.columns = pd.Index([_quoted(str(column)) for column in safe.columns], dtype=object)
    return safe


def write_tables(sheets: Mapping[str, pd.DataFrame], path: Path, *, rtl: bool = True) -> Path:
    """Write one XLSX sheet per frame, in order: a bold frozen header with an autofilter,
    real numeric cells, column widths fitted to the content, right to left if ``rtl``. Blanks
    (None, NA, NaN) stay empty; values neither text nor numbers are written as their text."""
    book = Workbook(write_only=True)
    for name, frame in sheets.items():
        _write_sheet(book.create_sheet(name), frame, rtl)
    book.save(path)
    return path


def _write_sheet(sheet: WriteOnlyWorksheet, frame: pd.DataFrame, rtl: bool) -> None:
    columns = [str(column) for column in frame.columns]
    sheet.sheet_view.rightToLeft = rtl
    sheet.freeze_panes = "A2"
    for index, width in enumerate(_widths(frame, columns), 1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    if columns:
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{len(frame) + 1}"
    bold = Font(bold=True)
    header = []
    for title in columns:
        cell = _cell(sheet, title)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    for row in _rows(frame):
        sheet.append([_cell(sheet, value) if is_formula_like(value) else value for value in row])


def _rows(frame: pd.DataFrame) -> Iterator[list[Any]]:
    """The frame's rows as plain Python values: blanks as None, numpy numbers as int/float/bool."""
    for row in frame.itertuples(index=False, name=None):
        yield [_plain(value) for value in row]


def _plain(value: Any) -> Any:
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value if isinstance(value, Number) else str(value)


def _cell(sheet: WriteOnlyWorksheet, text: str) -> WriteOnlyCell:
    """A cell that holds ``text`` as text, never as a formula."""
    cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", text))
    cell.data_type = "s"
    cell.quotePrefix = is_formula_like(text)
    return cell


def _widths(frame: pd.DataFrame, columns: list[str]) -> list[float]:
    """A width per column from its title and the first rows' values, within sensible bounds."""
    sample = frame.head(WIDTH_SAMPLE)
    widths = []
    for index, title in enumerate(columns):
        longest = max([len(title), *(len(str(v)) for v in sample.iloc[:, index] if _plain(v) is not None)])
        widths.append(float(min(max(longest + 2, MIN_WIDTH), MAX_WIDTH)))
    return widths
