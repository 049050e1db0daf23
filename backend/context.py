"""What every use case needs, built once at start-up by the composition root (bot/app.py, the CLI):
settings, the plan, the database."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager, nullcontext
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, async_sessionmaker

from backend.config import Settings
from backend.db import transaction as db_transaction
from backend.plan import Plan, plan_zone
from backend.services.responses import DefinitionCache
from backend.services.updates import claim as claim_update
from backend.surveys.engine import ChoiceSources
from backend.surveys.plan_sources import plan_choice_sources


@dataclass(frozen=True)
class AppContext:
    """Settings, the plan and the database, handed to handlers as ``app``."""

    settings: Settings
    plan: Plan
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    definitions: DefinitionCache = field(default_factory=DefinitionCache)
    choice_sources: ChoiceSources = field(init=False)
    zone: ZoneInfo = field(init=False)  # the plan's time zone (``backend.plan.plan_zone``)
    secret: bytes = field(init=False, repr=False)  # the key for pseudonyms and invite tokens, read once
    _write_lock: asyncio.Lock | None = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "choice_sources", plan_choice_sources(self.plan))
        object.__setattr__(self, "zone", plan_zone(self.settings, self.plan))
        object.__setattr__(self, "secret", self.settings.secret())
        sqlite = self.settings.db_url.get_backend_name() == "sqlite"
        object.__setattr__(self, "_write_lock", asyncio.Lock() if sqlite else None)

    def write_turn(self) -> AbstractAsyncContextManager[object]:
        """Held around the bot's busiest write transactions (each answer) on SQLite, which has one writer
        at a time: they queue here in turn instead of polling for the file lock with growing sleeps,
        which made SQLite's slowest replies seconds long. Nothing on PostgreSQL."""
        return self._write_lock if self._write_lock is not None else nullcontext()

    def is_admin(self, messenger_id: int) -> bool:
        """Whether this messenger account is listed in MEYDAN_ADMIN_IDS."""
        return messenger_id in self.settings.admin_ids


Claim = tuple[int, int]
"""A messenger update as (bot id, update id): claimed in the transaction that handles it."""


@asynccontextmanager
async def transaction(app: AppContext, claim: Claim | None = None) -> AsyncIterator[AsyncSession]:
    """One transaction of a use case; with ``claim`` it first marks that update handled, so a repeated
    delivery raises ``AlreadyProcessed`` and changes nothing, and a refusal rolls the claim back
    with everything else."""
    async with db_transaction(app.sessions) as session:
        if claim is not None:
            await claim_update(session, *claim)
        yield session


@asynccontextmanager
async def core_transaction(app: AppContext, claim: Claim | None = None) -> AsyncIterator[AsyncConnection]:
    """``transaction`` on a bare connection, for the answer path's Core statements: no ORM session to
    set up, flush or tear down on each reply."""
    async with app.engine.begin() as connection:
        if claim is not None:
            await claim_update(connection, *claim)
        yield connection
