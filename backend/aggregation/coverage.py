"""The coverage matrix: for each working group, which of the plan's information sources it has
drawn findings from, and the gaps."""

from __future__ import annotations

from datetime import datetime

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.aggregation.sql import for_analysis, read_frame
from backend.models import Finding, counted
from backend.plan import Plan


async def coverage(session: AsyncSession, plan: Plan, *, until: datetime | None = None) -> pd.DataFrame:
    """One row per working group of the plan (plan order, code as index), one column per source
    (plan order) counting live findings, then ``used`` (sources with any) and ``gaps`` (the
    codes of those without, comma-separated). Findings of groups not in the plan are left out;
    with ``until``, so are findings recorded from then on."""
    await for_analysis(session)
    query = select(Finding.working_group, Finding.source, func.count()).where(counted())
    if until is not None:
        query = query.where(Finding.created_at < until)
    counts = await read_frame(
        session, query.group_by(Finding.working_group, Finding.source), ["working_group", "source", "findings"]
    )
    sources = [s.code for s in plan.sources]
    matrix = (
        counts.pivot_table(index="working_group", columns="source", values="findings", aggfunc="sum")
        .reindex(index=pd.Index([w.code for w in plan.working_groups], name="working_group"), columns=sources)
        .fillna(0)
        .astype("int64")
    )
    matrix.columns.name = None
    used = matrix[sources] > 0
    matrix["used"] = used.sum(axis=1)
    matrix["gaps"] = [
        ", ".join(s for s, has in zip(sources, row, strict=True) if not has) for row in used.itertuples(index=False)
    ]
    return matrix
