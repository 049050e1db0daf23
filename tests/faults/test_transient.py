"""Which failures the error handler takes for the database or Redis briefly away ("try again")."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from asyncpg.exceptions import AdminShutdownError, UndefinedTableError
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import ResponseError
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError, OperationalError

from bot.handlers.errors import is_transient


def _failing(path: Path, sql: str) -> OperationalError:
    engine = create_engine(f"sqlite:///{path}", connect_args={"timeout": 0})
    try:
        with engine.connect() as connection, pytest.raises(OperationalError) as failed:
            connection.execute(text(sql))
        return failed.value
    finally:
        engine.dispose()


def test_a_locked_sqlite_file_is_transient_a_missing_table_is_not(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite"
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("CREATE TABLE t (x INTEGER)")
    holder.execute("BEGIN EXCLUSIVE")
    try:
        assert is_transient(_failing(path, "INSERT INTO t VALUES (1)"))  # database is locked
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert not is_transient(_failing(path, "SELECT * FROM missing"))


def test_redis_and_connection_failures_are_transient_anywhere_in_the_chain() -> None:
    assert is_transient(RedisConnectionError("Error 111 connecting"))
    assert is_transient(ConnectionRefusedError(111, "Connect call failed"))
    assert is_transient(DBAPIError("SELECT 1", {}, Exception("closed"), connection_invalidated=True))
    try:
        try:
            raise AdminShutdownError("terminating connection due to administrator command")
        except AdminShutdownError as cause:
            raise RuntimeError("the handler failed") from cause
    except RuntimeError as wrapped:
        assert is_transient(wrapped)


def test_bugs_are_not_transient() -> None:
    assert not is_transient(ValueError("a bug"))
    assert not is_transient(ResponseError("WRONGTYPE"))
    assert not is_transient(UndefinedTableError("relation does not exist"))
    assert not is_transient(DBAPIError("SELECT 1", {}, Exception("syntax"), connection_invalidated=False))
