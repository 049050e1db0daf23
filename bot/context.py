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

    def __post_init__(self) -> None:
        object.__setattr__(self, "choice_sources", plan_choice_sources(self.plan))

    @property
    def secret(self) -> bytes:
        """The key for pseudonyms and invite tokens."""
        return self.settings.secret()

    def is_admin(self, messenger_id: int) -> bool:
        """Whether this messenger account is listed in MEYDAN_ADMIN_IDS."""
        return messenger_id in self.settings.admin_ids
