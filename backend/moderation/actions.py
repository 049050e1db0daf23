"""The committee's moderation as use cases: hide findings (kept, with a reason, no longer counted in
integration, aggregation or ranking), restore them, and correct their axis, working group, district
or kind. Each takes one finding or many (bulk), runs in one transaction and audits every finding it
changes; repeating an action changes nothing. Nobody is told: no push is ever queued from here."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.audit import record
from backend.context import AppContext, transaction
from backend.errors import Refused
from backend.models import FINDING_KINDS, Finding, utcnow
from backend.plan import Plan

CORRECTABLE = ("axis", "working_group", "district", "kind")
MAX_REASON = 500
MAX_BULK = 500  # findings in one action


@dataclass(frozen=True)
class Moderated:
    """What an action did: the findings it changed (the others already were so)."""

    changed: list[int]
    unchanged: list[int]


async def _findings(session: AsyncSession, finding_ids: Sequence[int]) -> list[Finding]:
    ids = sorted(set(finding_ids))
    if not ids:
        raise Refused("workbench.moderation.none_chosen")
    if len(ids) > MAX_BULK:
        raise Refused("workbench.moderation.too_many", max=MAX_BULK)
    found = list(
        (
            await session.scalars(
                select(Finding).where(Finding.id.in_(ids), Finding.deleted_at.is_(None)).order_by(Finding.id)
            )
        ).all()
    )
    missing = sorted(set(ids) - {f.id for f in found})
    if missing:
        raise Refused("workbench.finding.unknown", findings=", ".join(map(str, missing)))
    return found


async def hide(app: AppContext, actor: str, finding_ids: Sequence[int], reason: str) -> Moderated:
    """Hide findings with a reason: kept, shown in exports as hidden, counted nowhere."""
    reason = " ".join(reason.split())
    if not reason:
        raise Refused("workbench.moderation.reason_needed")
    if len(reason) > MAX_REASON:
        raise Refused("workbench.moderation.reason_too_long", max=MAX_REASON)
    changed, unchanged = [], []
    async with transaction(app) as session:
        now = utcnow()
        for finding in await _findings(session, finding_ids):
            if finding.hidden_at is not None and finding.hidden_reason == reason:
                unchanged.append(finding.id)
                continue
            finding.hidden_at, finding.hidden_reason, finding.hidden_by = now, reason, actor
            record(session, actor, "finding.hide", "finding", finding.id, reason=reason)
            changed.append(finding.id)
    return Moderated(changed, unchanged)


async def restore(app: AppContext, actor: str, finding_ids: Sequence[int]) -> Moderated:
    """Restore hidden findings: counted again from the next integration on."""
    changed, unchanged = [], []
    async with transaction(app) as session:
        for finding in await _findings(session, finding_ids):
            if finding.hidden_at is None:
                unchanged.append(finding.id)
                continue
            record(session, actor, "finding.restore", "finding", finding.id, reason=finding.hidden_reason)
            finding.hidden_at = finding.hidden_reason = finding.hidden_by = None
            changed.append(finding.id)
    return Moderated(changed, unchanged)


def _check_value(plan: Plan, field: str, value: str | None) -> str | None:
    """``value`` if it is a code the plan (or, for ``kind``, Meydan) has for ``field``; else refused."""
    if field not in CORRECTABLE:
        raise Refused("workbench.moderation.bad_field", fields=", ".join(CORRECTABLE))
    value = (value or "").strip() or None
    if field == "kind":
        known = value in FINDING_KINDS
    else:  # axis, working group and district may also be unknown (None)
        known = value is None or plan.get(field, value) is not None
    if not known:
        raise Refused(f"workbench.moderation.bad_{field}", value=value or "")
    return value


async def correct(app: AppContext, actor: str, finding_ids: Sequence[int], field: str, value: str | None) -> Moderated:
    """Set one of ``CORRECTABLE`` on findings (an unknown code is refused); each change is audited
    with the old value. Integration and the ranking use the corrected value from their next run."""
    new = _check_value(app.plan, field, value)
    changed, unchanged = [], []
    async with transaction(app) as session:
        for finding in await _findings(session, finding_ids):
            old = getattr(finding, field)
            if old == new:
                unchanged.append(finding.id)
                continue
            setattr(finding, field, new)
            record(session, actor, "finding.correct", "finding", finding.id, field=field, old=old, new=new)
            changed.append(finding.id)
    return Moderated(changed, unchanged)
