"""What every handler needs, built once at start-up (the composition root's output)."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from backend.config import Settings
from backend.plan import Plan
from backend.services.responses import DefinitionCache
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
    secret: bytes = field(init=False, repr=False)  # the key for pseudonyms and invite tokens, read once

    def __post_init__(self) -> None:
        object.__setattr__(self, "choice_sources", plan_choice_sources(self.plan))
        object.__setattr__(self, "secret", self.settings.secret())

    def is_admin(self, messenger_id: int) -> bool:
        """Whether this messenger account is listed in MEYDAN_ADMIN_IDS."""
        return messenger_id in self.settings.admin_ids
