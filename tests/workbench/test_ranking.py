"""The ranking workbench without the web: weights re-rank at once, "why", AHP refused above 0.10 with the
pair to revisit, versions saved (audited, each with its ranking) and compared; the newest ranks agendas."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from backend.committee import ranking
from backend.context import AppContext, transaction
from backend.errors import Refused
from backend.models import AuditEntry
from backend.plan.model import CRITERIA
from backend.prioritize.priorities import prioritize
from backend.services.findings import record_finding
from tests.workbench.helpers import integrate

# Two problems: one mentioned often by one source (wins on mentions), one from many sources (breadth).
LOUD = "ترافیک سنگین در بلوار وکیل‌آباد در ساعات اوج صبح"
BROAD = "جمع‌آوری نشدن پسماند در بلوار طبرسی"
SOURCES = ("elite_interview", "council_interview", "agency_interview")


async def _two_problems(app: AppContext) -> tuple[int, int]:
    async with transaction(app) as session:
        for n in range(6):
            await record_finding(session, kind="problem", text=LOUD + "!" * n, source="elite_interview")
        for source in SOURCES:
            await record_finding(session, kind="problem", text=BROAD, source=source)
    await integrate(app)
    async with transaction(app) as session:
        ranked = (await prioritize(session, app.plan)).ranked
    loud = int(ranked.index[ranked.mentions == 6][0])
    broad = int(ranked.index[ranked.mentions == 3][0])
    return loud, broad


def _sliders(**chosen: int) -> dict[str, str]:
    return {c: str(chosen.get(c, 0)) for c in CRITERIA}


async def test_weights_rerank_explain_save_and_compare(app: AppContext) -> None:
    loud, broad = await _two_problems(app)
    on_mentions = ranking.weights_from(_sliders(mentions=100))
    on_breadth = ranking.weights_from(_sliders(source_breadth=100, mentions=10))
    async with transaction(app) as session:
        first = await ranking.ranking(session, app.plan, on_mentions)
        second = await ranking.ranking(session, app.plan, on_breadth)
        explained = await ranking.why(session, app.plan, broad, on_breadth)
    assert [line.id for line in first.lines] == [loud, broad]
    assert [line.id for line in second.lines] == [broad, loud]
    assert first.lines[0].stability == 1.0  # two problems: both always in the top ten
    assert explained.rank == 1 and explained.evidence["source"] == {s: 1 for s in sorted(SOURCES)}
    parts = {part.criterion: part for part in explained.parts}
    assert parts["source_breadth"].raw == 3 and parts["source_breadth"].weight == pytest.approx(100 / 110)

    one = await ranking.save_version(app, "committee", on_mentions)
    two = await ranking.save_version(app, "committee", on_breadth, note="  breadth   first ")
    async with transaction(app) as session:
        in_force = (await prioritize(session, app.plan)).ranked
        compared = await ranking.compare(session, one.id, two.id)
        listed = await ranking.versions(session)
        audit = (await session.scalars(select(AuditEntry).where(AuditEntry.action == "weights.save"))).all()
    assert list(in_force.index) == [broad, loud]  # the newest version ranks from now on
    assert [(c.id, c.rank_a, c.rank_b) for c in compared] == [(loud, 1, 2), (broad, 2, 1)]
    assert [v.id for v in listed] == [two.id, one.id] and listed[0].note == "breadth first"
    assert [a.entity_id for a in audit] == [str(one.id), str(two.id)] and audit[0].actor == "committee"


def _matrix(**judgements: str) -> dict[str, str]:
    values = {f"{i}-{j}": "1" for i in range(len(CRITERIA)) for j in range(i + 1, len(CRITERIA))}
    values.update({k.replace("_", "-"): v for k, v in judgements.items()})
    return values


def test_ahp_consistent_matrix_gives_weights_and_inconsistent_one_is_refused() -> None:
    found = ranking.ahp_from(_matrix(**{"0_1": "3", "0_2": "۳", "1_2": "1"}))
    assert found.consistency_ratio < 0.1 and found.weights["mentions"] > found.weights["source_breadth"]
    with pytest.raises(Refused) as refused:
        ranking.ahp_from(_matrix(**{"0_2": "9", "1_2": "1/9"}))  # 0 = 1 yet 0 far above 2 and 1 far below it
    assert refused.value.key == "workbench.ahp.inconsistent"
    assert float(str(refused.value.params["ratio"])) > 0.1
    assert (refused.value.params["first"], refused.value.params["second"]) == (CRITERIA[0], CRITERIA[2])
    with pytest.raises(Refused) as bad:
        ranking.ahp_from(_matrix(**{"0_1": "10"}))
    assert bad.value.key == "workbench.ahp.bad_value"


def test_slider_values_are_checked() -> None:
    assert ranking.weights_from(_sliders(mentions=50, severity=50))["severity"] == 0.5
    assert ranking.weights_from({**_sliders(mentions=1), "severity": "۳"})["severity"] == 0.75
    for values, key in (
        (_sliders(), "workbench.ranking.all_zero"),
        ({**_sliders(mentions=1), "severity": "-1"}, "workbench.ranking.bad_weight"),
        ({**_sliders(mentions=1), "severity": "abc"}, "workbench.ranking.bad_weight"),
    ):
        with pytest.raises(Refused) as refused:
            ranking.weights_from(values)
        assert refused.value.key == key
