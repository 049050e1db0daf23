"""The fitted models the bot chooses pairs from: one per district and one for the whole city,
kept in memory per database and refitted in the background when answers have come in.

A district's problems are those with a live finding from the district or from no district (the
city's); its strengths come from the answers given for it. The city's problems are all live
problems; its strengths come from every answer. Choosing a pair never waits for a refit: it uses
the model at hand (and counts what it shows at once), while a refit runs at most every
``REFIT_SECONDS``. A fit (its version check, reading tens of thousands of rows a district and every
answer for the city, and the fit itself) runs in a process of its own, one worker per database,
which keeps each scope's answers between fits and sends back only the fitted scope: done in a
thread of the bot's process it held the interpreter lock for seconds, and every next pair waited
for it (p99 of hundreds of milliseconds). Only a database in memory, which another process cannot
see, is read and fitted in the bot's process. A refit reads only the answers given or changed
since the one before (less ``LATE``), unless that leaves a different count than the database holds
(answers deleted with a participant, or moved to another district): then it reads them all. The
worker stops when the engine is disposed.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import multiprocessing.connection
import os
import signal
import threading
import time
import weakref
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol

import numpy as np
import pandas as pd
from sqlalchemy import event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, create_async_engine
from sqlalchemy.pool import NullPool

from backend.pairwise import store
from backend.pairwise.model import Strengths, fit

REFIT_SECONDS = 30.0
CITY = ""  # the scope of the whole city
LATE = timedelta(minutes=1)  # an answer committed up to this long after its time is still read
WINS = {"low": 1.0, "high": 0.0, "equal": 0.5}  # how much the lower-id problem won, per choice


@dataclass
class Scope:
    """The problems of a district (or the city, ``CITY``) with their fitted strengths and how often
    each has been shown; ``problems`` (index ``id``: ``title``, ``axis``) in the order of ``strengths``."""

    district: str
    problems: pd.DataFrame
    strengths: Strengths
    shown: np.ndarray
    version: store.Version
    fitted_at: float = field(default_factory=time.monotonic)

    def positions(self, pairs: list[tuple[int, int]]) -> np.ndarray:
        """The pairs of problem ids as pairs of indices in this scope (rows of two), leaving out
        those with a problem that is not one of its problems."""
        ids = np.asarray(pairs, dtype=np.int64).reshape(-1, 2)
        found = self.problems.index.get_indexer(ids.ravel()).reshape(-1, 2)
        return found[(found >= 0).all(axis=1)]

    def ranked(self) -> pd.DataFrame:
        """The problems strongest first with ``strength``, ``se`` and ``comparisons`` (answers on them)."""
        table = self.problems.assign(
            strength=self.strengths.value, se=self.strengths.se, comparisons=self.strengths.comparisons
        )
        return table.iloc[self.strengths.order()]


@dataclass(frozen=True)
class Answers:
    """A scope's answers as last read (index ``id``: ``low``, ``high``, ``choice``) and the version
    they were read at."""

    version: store.Version
    rows: pd.DataFrame


def in_district(problems: pd.DataFrame, district: str) -> pd.DataFrame:
    """The problems of ``district`` (those raised there or city-wide); every problem for ``CITY``."""
    if district == CITY:
        return problems
    mask = np.fromiter((bool(ds & {district, ""}) for ds in problems.districts), dtype=bool, count=len(problems))
    return problems[mask]  # an array, not a list: an empty list would pick no columns


def strengths_of(problems: pd.DataFrame, answers: pd.DataFrame) -> tuple[Strengths, np.ndarray]:
    """The strengths of ``problems`` (in their order) from ``answers`` (``low``, ``high``, ``choice``),
    and how often each problem was shown (every answer, skipped ones included)."""
    index = pd.Index(problems.index)
    low, high = index.get_indexer(answers.low), index.get_indexer(answers.high)
    inside = (low >= 0) & (high >= 0)
    shown = np.bincount(np.concatenate([low[inside], high[inside]]), minlength=len(index)).astype(np.float64)
    wins = answers.choice.map(WINS).to_numpy(dtype=np.float64)
    counted = inside & ~np.isnan(wins)
    return fit(len(index), low[counted], high[counted], wins[counted]), shown


async def refresh(
    session: AsyncSession, district: str, kept: dict[str, Answers], known: store.Version | None = None
) -> Scope | None:
    """The scope freshly fitted through ``session``, or None when its version is still ``known``.
    ``kept`` holds each scope's answers as last read: only answers since then are read, and it is
    updated."""
    version = await store.version(session, _answered_for(district))
    if version == known:
        return None
    problems = in_district(await store.live_problems(session), district)
    answers = await _answers(session, district, kept.get(district), version[0])
    kept[district] = Answers(version, answers)
    strengths, shown = await asyncio.to_thread(strengths_of, problems, answers)
    return Scope(district, problems[["title", "axis"]], strengths, shown, version)


async def _answers(session: AsyncSession, district: str, before: Answers | None, count: int) -> pd.DataFrame:
    """The scope's answers now: ``before``'s with those since it merged in, when that makes ``count``."""
    since = before.version[1] if before is not None else None
    if before is not None and since is not None:
        recent = await store.answers(session, _answered_for(district), since=since - LATE)
        merged = pd.concat([before.rows.drop(recent.index, errors="ignore"), recent])
        if len(merged) == count:
            return merged
    return await store.answers(session, _answered_for(district))


def _answered_for(district: str) -> str | None:
    """The answers that count in a scope: those given for its district, or all for the city."""
    return None if district == CITY else district


class _Fitter(Protocol):
    async def fit(self, district: str, known: store.Version | None) -> Scope | None: ...

    def close(self) -> None: ...


class _InProcess:
    """Fits on the caller's loop (the fit itself in a thread): for a database in memory."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        self._kept: dict[str, Answers] = {}

    async def fit(self, district: str, known: store.Version | None) -> Scope | None:
        async with AsyncSession(self._engine) as session:
            return await refresh(session, district, self._kept, known)

    def close(self) -> None:
        self._kept.clear()


class _Apart:
    """Fits in a worker process of its own, started at the first fit, with its own connection."""

    def __init__(self, url: URL) -> None:
        self._url = url.render_as_string(hide_password=False)
        self._pool: ProcessPoolExecutor | None = None

    async def fit(self, district: str, known: store.Version | None) -> Scope | None:
        if self._pool is None:
            self._pool = ProcessPoolExecutor(1, mp_context=_worker_context(), initializer=_start_worker)
        try:
            found = await asyncio.get_running_loop().run_in_executor(self._pool, _fit_apart, self._url, district, known)
        except BrokenProcessPool:
            self._pool = None  # the worker died: the next fit starts another
            raise
        if found is not None:
            found.fitted_at = time.monotonic()
        return found

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None


def _worker_context() -> Any:
    """Workers forked from a server that has this module loaded: started in milliseconds, and
    never forked from the bot's process with its threads. As with any such start, a worker imports
    the bot's main script again, which must start nothing on import (``if __name__ == "__main__"``)."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([__name__])
    return context


def _start_worker() -> None:
    """In the worker: Ctrl-C is left to the bot, which stops the worker as it shuts down, and the
    worker ends as soon as the bot's process does, however that ended (killed too)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    bot = multiprocessing.parent_process()
    if bot is not None:
        threading.Thread(target=_end_with, args=(bot.sentinel,), daemon=True).start()


def _end_with(sentinel: int) -> None:
    multiprocessing.connection.wait([sentinel])
    os._exit(0)


_kept: dict[str, Answers] = {}  # in the worker: each scope's answers as last read


def _fit_apart(url: str, district: str, known: store.Version | None) -> Scope | None:
    """``refresh`` in the worker, with a connection of its own for the call."""
    return asyncio.run(_refresh_with_own_engine(make_url(url), district, known))


async def _refresh_with_own_engine(url: URL, district: str, known: store.Version | None) -> Scope | None:
    engine = create_async_engine(url, poolclass=NullPool)
    try:
        async with AsyncSession(engine) as session:
            return await refresh(session, district, _kept, known)
    finally:
        await engine.dispose()


def _in_memory(url: URL) -> bool:
    return url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:")


class Scopes:
    """The scopes of one database, refitted in the background."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._fitter: _Fitter = _InProcess(engine) if _in_memory(engine.url) else _Apart(engine.url)
        self._scopes: dict[str, Scope] = {}
        self._refits: dict[str, asyncio.Task[None]] = {}
        self._first: dict[str, asyncio.Lock] = {}

    async def get(self, district: str, *, fresh: bool = False) -> Scope:
        """The scope of ``district``: fitted now if there is none yet (or, ``fresh``, if answers came
        in since), else the one at hand (and a refit started in the background when it is older
        than ``REFIT_SECONDS``)."""
        scope = self._scopes.get(district)
        if scope is not None and fresh:
            found = await self._fitter.fit(district, scope.version)
            if found is not None:
                self._scopes[district] = scope = found
        if scope is None:
            async with self._first.setdefault(district, asyncio.Lock()):
                if district not in self._scopes:
                    first = await self._fitter.fit(district, None)
                    assert first is not None  # nothing is known yet: always fitted
                    self._scopes[district] = first
            return self._scopes[district]
        if time.monotonic() - scope.fitted_at > REFIT_SECONDS and district not in self._refits:
            task = asyncio.create_task(self._refit(scope))
            self._refits[district] = task
            task.add_done_callback(lambda _: self._refits.pop(district, None))
        return scope

    async def _refit(self, scope: Scope) -> None:
        found = await self._fitter.fit(scope.district, scope.version)
        if found is None:
            scope.fitted_at = time.monotonic()
        else:
            self._scopes[scope.district] = found

    def close(self) -> None:
        """Stop the worker (a later fit starts another, reading every answer again)."""
        self._fitter.close()


_by_engine: weakref.WeakKeyDictionary[AsyncEngine, Scopes] = weakref.WeakKeyDictionary()


def scopes_of(engine: AsyncEngine) -> Scopes:
    """The scopes kept for one database (one engine); their worker stops when the engine is disposed."""
    found = _by_engine.get(engine)
    if found is None:
        found = _by_engine[engine] = Scopes(engine)
        event.listen(engine.sync_engine, "engine_disposed", lambda _: found.close())
    return found


async def strengths_now(session: AsyncSession, district: str = CITY, until: datetime | None = None) -> pd.DataFrame:
    """The fitted strengths of ``district``'s problems (index ``id``: ``title``, ``axis``,
    ``strength``, ``se``, ``comparisons``; strongest first), fitted now from the answers given
    (before ``until`` if given)."""
    problems = in_district(await store.live_problems(session), district)
    answers = await store.answers(session, _answered_for(district), until)
    strengths, shown = strengths_of(problems, answers)
    return Scope(district, problems[["title", "axis"]], strengths, shown, (0, None, 0, None)).ranked()
