"""What every handler needs, built once at start-up (the composition root's output)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from backend.config import Settings
from backend.plan import Plan


@dataclass(frozen=True)
class AppContext:
    """Settings, the plan and the database, handed to handlers as ``app``."""

    settings: Settings
    plan: Plan
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]

    def is_admin(self, messenger_id: int) -> bool:
        """Whether this messenger account is listed in MEYDAN_ADMIN_IDS."""
        return messenger_id in self.settings.admin_ids
