"""``meydan`` sub-commands, one module per topic; each exposes a Typer ``app``."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, TypeVar

from rich.console import Console
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from backend import migrate
from backend.config import load_settings
from backend.context import AppContext
from backend.db import check_connection, create_engine, session_factory
from backend.plan import load_plan

T = TypeVar("T")
console = Console()


def run(coro: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine from a synchronous Typer command, on uvloop where it is installed.

    uvloop's event loop costs the bot about a tenth less CPU per update than asyncio's
    (``meydan bench survey``); the standard loop is the fallback where uvloop has no build.
    """
    with asyncio.Runner(loop_factory=_loop_factory()) as runner:
        return runner.run(coro)


def _loop_factory() -> Callable[[], asyncio.AbstractEventLoop] | None:
    try:
        import uvloop
    except ImportError:  # no build for this platform: asyncio's own loop
        return None
    return uvloop.new_event_loop


async def on_database(work: Callable[[AsyncEngine], Awaitable[T]]) -> T:
    """Connect to MEYDAN_DATABASE_URL (one-line error if unreachable), run ``work``, disconnect."""
    engine = create_engine(load_settings().db_url)
    try:
        await check_connection(engine)
        return await work(engine)
    finally:
        await engine.dispose()


async def in_transaction(work: Callable[[AsyncSession], Awaitable[T]]) -> T:
    """Run ``work`` in one transaction on an up-to-date schema (migrated first)."""

    async def go(engine: AsyncEngine) -> T:
        await migrate.upgrade(engine)
        async with session_factory(engine)() as session, session.begin():
            return await work(session)

    return await on_database(go)


async def in_app(work: Callable[[AppContext, AsyncSession], Awaitable[T]]) -> T:
    """Run ``work`` with the application context (settings, plan, database) in one transaction."""
    settings = load_settings()
    plan = load_plan(settings.plan_file)

    async def go(engine: AsyncEngine) -> T:
        await migrate.upgrade(engine)
        app = AppContext(settings=settings, plan=plan, engine=engine, sessions=session_factory(engine))
        async with app.sessions() as session, session.begin():
            return await work(app, session)

    return await on_database(go)


def setup_logging(verbose: bool) -> None:
    """Log to stderr: each step (INFO) when verbose, else warnings only."""
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
