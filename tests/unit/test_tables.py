"""CSV and XLSX tables: Persian-safe CSV, right-to-left sheets, real numbers, no formula injection."""

from __future__ import annotations

from pathlib import Path
from typing import get_args

import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook

from bot.commands import export
from reports.tables import FORMATS, MAX_WIDTH, MIN_WIDTH, is_formula_like, write_table, write_tables

RISKY = ['=HYPERLINK("x")', "+1+1", "@SUM(A1)", "-2+3", "\t=1", "\r=1"]


def _frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "متن": pd.Series(["سلام دنیا", *RISKY, None], dtype=object),
            "count": pd.array([-5, 0, 1, 2, 3, 4, 5, None], dtype="Int64"),
            "amount": [-2.5, 0.0, 1.25, 2.0, 3.5, 4.0, 5.0, float("nan")],
            "raw": np.arange(-4, 4, dtype=np.int64),
            "note": pd.Series(["a\x01b", "-", "x" * 200, "ok", "1e5", "=", "+", ""], dtype=object),
        }
    )


def test_formula_like() -> None:
    assert all(is_formula_like(text) for text in RISKY)
    assert not any(is_formula_like(value) for value in ("سلام", "a=b", -5, -2.5, None, ""))


def test_csv_is_utf8_with_bom_and_neutralized(tmp_path: Path) -> None:
    path = write_table(_frame(), tmp_path / "t.csv", fmt="csv")
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and "سلام دنیا".encode() in raw
    back = pd.read_csv(path, encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert list(back.columns) == ["متن", "count", "amount", "raw", "note"]
    assert back["متن"].tolist() == ["سلام دنیا", *(f"'{text}" for text in RISKY), ""]
    assert back["count"].tolist() == ["-5", "0", "1", "2", "3", "4", "5", ""]
    assert back["amount"].tolist()[:3] == ["-2.5", "0.0", "1.25"] and back["amount"].tolist()[-1] == ""
    assert back["raw"].tolist()[0] == "-4"
    assert back["note"].tolist()[1] == "'-"


def test_csv_neutralizes_titles(tmp_path: Path) -> None:
    path = write_table(pd.DataFrame({"=cmd": [1]}), tmp_path / "t.csv", fmt="csv")
    assert path.read_text(encoding="utf-8-sig").splitlines() == ["'=cmd", "1"]


def test_xlsx_sheet(tmp_path: Path) -> None:
    frame = _frame()
    path = write_table(frame, tmp_path / "t.xlsx", fmt="xlsx", sheet_name="پاسخ‌ها")
    book = load_workbook(path)
    assert book.sheetnames == ["پاسخ‌ها"]
    sheet = book.active
    assert sheet.sheet_view.rightToLeft is True
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:E9"
    header = sheet[1]
    assert [c.value for c in header] == list(frame.columns) and all(c.font.b for c in header)
    columns = {head.value: body for head, *body in sheet.iter_cols()}
    assert [(c.value, c.data_type) for c in columns["count"]] == [
        (-5, "n"),
        (0, "n"),
        (1, "n"),
        (2, "n"),
        (3, "n"),
        (4, "n"),
        (5, "n"),
        (None, "n"),
    ]
    assert [c.value for c in columns["amount"]][:3] == [-2.5, 0, 1.25] and columns["amount"][-1].value is None
    assert all(c.data_type == "n" and isinstance(c.value, int) for c in columns["raw"])
    texts = columns["متن"]
    assert [c.value for c in texts[1:7]] == [text.replace("\r", "\n") for text in RISKY]  # XML reads CR as LF
    assert all(c.data_type == "s" and c.quotePrefix for c in texts[1:7])
    assert texts[0].value == "سلام دنیا" and not texts[0].quotePrefix and texts[7].value is None
    notes = columns["note"]
    assert notes[0].value == "ab"  # characters XLSX cannot hold are dropped
    assert [(c.value, c.data_type) for c in notes[1:6]] == [
        ("-", "s"),
        ("x" * 200, "s"),
        ("ok", "s"),
        ("1e5", "s"),
        ("=", "s"),
    ]


def test_xlsx_widths(tmp_path: Path) -> None:
    sheet = load_workbook(write_table(_frame(), tmp_path / "t.xlsx", fmt="xlsx")).active
    widths = {letter: sheet.column_dimensions[letter].width for letter in "ABCDE"}
    assert all(MIN_WIDTH <= width <= MAX_WIDTH for width in widths.values())
    assert widths["E"] == MAX_WIDTH and widths["D"] == MIN_WIDTH and widths["A"] > widths["B"]


def test_left_to_right_on_request(tmp_path: Path) -> None:
    sheet = load_workbook(write_table(_frame(), tmp_path / "t.xlsx", fmt="xlsx", rtl=False)).active
    assert not sheet.sheet_view.rightToLeft


def test_several_sheets(tmp_path: Path) -> None:
    path = write_tables(
        {"findings": pd.DataFrame({"id": [1, 2]}), "empty": pd.DataFrame({"id": []})}, tmp_path / "book.xlsx"
    )
    book = load_workbook(path)
    assert book.sheetnames == ["findings", "empty"]
    assert [[c.value for c in row] for row in book["findings"].iter_rows()] == [["id"], [1], [2]]
    assert book["empty"].max_row == 1 and book["empty"].sheet_view.rightToLeft


def test_unknown_format(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown table format 'ods'"):
        write_table(_frame(), tmp_path / "t.ods", fmt="ods")  # type: ignore[arg-type]


def test_cli_offers_the_same_formats() -> None:
    assert get_args(export.TableFormat) == FORMATS
