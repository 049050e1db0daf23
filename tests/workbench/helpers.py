"""Findings and problems for the workbench tests, recorded as intake records them."""

from __future__ import annotations

from collections.abc import Sequence

from backend.context import AppContext, transaction
from backend.integration import problems
from backend.services.findings import record_finding

TRAFFIC = "ترافیک سنگین در بلوار وکیل‌آباد در ساعات اوج صبح"
WASTE = "جمع‌آوری نشدن پسماند در بلوار طبرسی"
LIGHTS = "خاموش بودن چراغ‌های خیابان در بلوار طبرسی شب‌ها"


async def seed(app: AppContext, texts: Sequence[str], *, source: str = "elite_interview") -> list[int]:
    """Record each text as a problem finding; returns their ids."""
    ids = []
    async with transaction(app) as session:
        for text in texts:
            finding = await record_finding(
                session,
                kind="problem",
                text=text,
                source=source,
                axis="transport",
                working_group="hq.transport",
                stakeholder_group="elites",
                district="d01",
            )
            ids.append(finding.id)
    return ids


async def integrate(app: AppContext) -> problems.IntegrationReport:
    """Run integration as ``meydan problems integrate`` does."""
    async with transaction(app) as session:
        return await problems.integrate(session, places=app.plan.places)
