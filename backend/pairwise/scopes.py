"""The fitted models the bot chooses pairs from: one per district and one for the whole city,
kept in memory per database and refitted in the background when answers have come in.

A district's problems are those with a live finding from the district or from no district (the
city's); its strengths come from the answers given for it. The city's problems are all live
problems; its strengths come from every answer. Choosing a pair never waits for a refit: it uses
the model at hand (and counts what it shows at once), while a refit runs at most every
``REFIT_SECONDS``. A fit reads its answers (tens of thousands of rows a district, every answer for
the city) and fits them in a thread of its own, with its own connection and event loop, so the
bot's event loop never holds still while rows become a table (it did: next pairs then waited up to
a second at p99). Only a database in memory, which another connection cannot see, is read on the
caller's loop. A refit reads only the answers given or changed since the one before (less
``LATE``), unless that leaves a different count than the database holds (answers deleted with a
participant, or moved to another district): then it reads them all.
"""

from __future__ import annotations

import asyncio
import time
import weakref
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import numpy as np
import pandas as pd
from sqlalchemy.engine import URL
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine
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
    answers: pd.DataFrame  # the answers fitted (index ``id``: ``low``, ``high``, ``choice``)
    fitted_at: float = field(default_factory=time.monotonic)

    def position(self, problem_id: int) -> int | None:
        """The index of a problem in this scope, or None when it is not one of its problems."""
        found = self.problems.index.get_indexer([problem_id])[0]
        return None if found < 0 else int(found)

    def ranked(self) -> pd.DataFrame:
        """The problems strongest first with ``strength``, ``se`` and ``comparisons`` (answers on them)."""
        table = self.problems.assign(
            strength=self.strengths.value, se=self.strengths.se, comparisons=self.strengths.comparisons
        )
        return table.iloc[self.strengths.order()]


def in_district(problems: pd.DataFrame, district: str) -> pd.DataFrame:
    """The problems of ``district`` (those raised there or city-wide); every problem for ``CITY``."""
    if district == CITY:
        return problems
    return problems[[bool(ds & {district, ""}) for ds in problems.districts]]


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


async def build(session: AsyncSession, district: str, before: Scope | None = None) -> Scope:
    """A freshly fitted scope, read through ``session`` (the fit runs in a thread); with ``before``,
    the same scope fitted earlier, only answers since it are read."""
    version = await store.version(session, _answered_for(district))
    problems = in_district(await store.live_problems(session), district)
    answers = await _answers(session, district, before, version[0])
    strengths, shown = await asyncio.to_thread(strengths_of, problems, answers)
    return Scope(district, problems[["title", "axis"]], strengths, shown, version, answers)


async def _answers(session: AsyncSession, district: str, before: Scope | None, count: int) -> pd.DataFrame:
    """The scope's answers now: ``before``'s with those since it merged in, when that makes ``count``."""
    since = before.version[1] if before is not None else None
    if before is not None and since is not None:
        recent = await store.answers(session, _answered_for(district), since=since - LATE)
        merged = pd.concat([before.answers.drop(recent.index, errors="ignore"), recent])
        if len(merged) == count:
            return merged
    return await store.answers(session, _answered_for(district))


async def build_apart(engine: AsyncEngine, district: str, before: Scope | None = None) -> Scope:
    """``build``, read and fitted in a thread with its own connection (see above)."""
    if _in_memory(engine.url):
        async with AsyncSession(engine) as session:
            return await build(session, district, before)
    return await asyncio.to_thread(asyncio.run, _build_with_own_engine(engine.url, district, before))


async def _build_with_own_engine(url: URL, district: str, before: Scope | None) -> Scope:
    engine = create_async_engine(url, poolclass=NullPool)  # its connection lives and dies in this thread's loop
    try:
        async with AsyncSession(engine) as session:
            return await build(session, district, before)
    finally:
        await engine.dispose()


def _in_memory(url: URL) -> bool:
    return url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:")


def _answered_for(district: str) -> str | None:
    """The answers that count in a scope: those given for its district, or all for the city."""
    return None if district == CITY else district


class Scopes:
    """The scopes of one database, refitted in the background."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        self._scopes: dict[str, Scope] = {}
        self._refits: dict[str, asyncio.Task[None]] = {}
        self._first: dict[str, asyncio.Lock] = {}

    async def get(self, sessions: async_sessionmaker[AsyncSession], district: str, *, fresh: bool = False) -> Scope:
        """The scope of ``district``: fitted now if there is none yet (or, ``fresh``, if answers came
        in since), else the one at hand (and a refit started in the background when it is older
        than ``REFIT_SECONDS``)."""
        scope = self._scopes.get(district)
        if scope is not None and fresh and await _version(sessions, district) != scope.version:
            self._scopes[district] = scope = await build_apart(self._engine, district, scope)
        if scope is None:
            async with self._first.setdefault(district, asyncio.Lock()):
                if district not in self._scopes:
                    self._scopes[district] = await build_apart(self._engine, district)
            return self._scopes[district]
        if time.monotonic() - scope.fitted_at > REFIT_SECONDS and district not in self._refits:
            task = asyncio.create_task(self._refit(sessions, scope))
            self._refits[district] = task
            task.add_done_callback(lambda _: self._refits.pop(district, None))
        return scope

    async def _refit(self, sessions: async_sessionmaker[AsyncSession], scope: Scope) -> None:
        if await _version(sessions, scope.district) == scope.version:
            scope.fitted_at = time.monotonic()
            return
        self._scopes[scope.district] = await build_apart(self._engine, scope.district, scope)


async def _version(sessions: async_sessionmaker[AsyncSession], district: str) -> store.Version:
    async with sessions() as session:
        return await store.version(session, _answered_for(district))


_by_engine: weakref.WeakKeyDictionary[AsyncEngine, Scopes] = weakref.WeakKeyDictionary()


def scopes_of(engine: AsyncEngine) -> Scopes:
    """The scopes kept for one database (one engine)."""
    found = _by_engine.get(engine)
    if found is None:
        found = _by_engine[engine] = Scopes(engine)
    return found


async def strengths_now(session: AsyncSession, district: str = CITY, until: datetime | None = None) -> pd.DataFrame:
    """The fitted strengths of ``district``'s problems (index ``id``: ``title``, ``axis``,
    ``strength``, ``se``, ``comparisons``; strongest first), fitted now from the answers given
    (before ``until`` if given)."""
    problems = in_district(await store.live_problems(session), district)
    answers = await store.answers(session, _answered_for(district), until)
    strengths, shown = strengths_of(problems, answers)
    return Scope(district, problems[["title", "axis"]], strengths, shown, (0, None, 0, None), answers).ranked()
