"""No user text can reach SQL except as a bound parameter: every piece of raw SQL in the code is a
constant. Queries are built with SQLAlchemy expressions (which bind values); the few raw
statements (``text()``, ``literal_column()``, ``exec_driver_sql()``, an ``execute`` of a string)
must be string literals, or f-strings of module constants (UPPER_CASE names) only."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
RAW_SQL = {"text", "literal_column", "exec_driver_sql", "execute"}


def _constant(node: ast.expr, constants: set[str]) -> bool:
    """A literal, a constant's name, or an f-string of constants' names."""
    if isinstance(node, ast.Constant):
        return True
    if isinstance(node, ast.Name):
        return node.id.isupper() or node.id in constants
    if isinstance(node, ast.JoinedStr):
        return all(
            isinstance(part, ast.Constant) or isinstance(part, ast.FormattedValue) and _constant(part.value, constants)
            for part in node.values
        )
    return False


def _loop_constants(tree: ast.AST) -> set[str]:
    """Names bound by ``for name in CONSTANT`` (each one of a constant's items)."""
    return {
        loop.target.id
        for loop in ast.walk(tree)
        if isinstance(loop, ast.For | ast.AsyncFor)
        and isinstance(loop.target, ast.Name)
        and isinstance(loop.iter, ast.Name)
        and loop.iter.id.isupper()
    }


def _stringish(node: ast.expr) -> bool:
    """An argument built from strings (so raw SQL), as opposed to a query object or a variable."""
    return (
        isinstance(node, ast.Constant | ast.JoinedStr)
        or isinstance(node, ast.BinOp)
        and isinstance(node.op, ast.Add | ast.Mod)
        or isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "format"
    )


def raw_sql_calls(source: str) -> list[tuple[int, str, bool]]:
    """Each raw-SQL call in ``source``: its line, the function called, and whether its SQL is constant."""
    tree = ast.parse(source)
    constants, found = _loop_constants(tree), []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or not node.args:
            continue
        name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
        if name in RAW_SQL and (name != "execute" or _stringish(node.args[0])):
            found.append((node.lineno, name, _constant(node.args[0], constants)))
    return found


def test_the_check_catches_interpolated_sql() -> None:
    bad = 'text(f"SELECT * FROM answers WHERE raw_text = \'{reply}\'")\nconn.execute("DELETE " + where)\ntext(sql)\n'
    good = (
        'text("SELECT 1")\nliteral_column(f"\'{COMPLETED}\'")\nsession.execute(select(x))\n'
        "for setting in SETTINGS:\n    text(setting)\n"
    )
    assert [ok for _, _, ok in raw_sql_calls(bad)] == [False, False, False]
    assert [ok for _, _, ok in raw_sql_calls(good)] == [True, True, True]


@pytest.mark.parametrize("package", ["backend", "bot", "reports"])
def test_raw_sql_in_the_code_is_constant(package: str) -> None:
    problems = [
        f"{path.relative_to(ROOT)}:{line} {name}(...)"
        for path in sorted((ROOT / package).rglob("*.py"))
        for line, name, constant in raw_sql_calls(path.read_text(encoding="utf-8"))
        if not constant
    ]
    assert not problems, problems
