"""Moderation without the web: flags at intake, the queue, hide / correct / restore (bulk too),
each audited; a hidden finding is counted nowhere but kept in the export with its status, and
nobody is told."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from backend.aggregation.findings import count_findings
from backend.context import AppContext, transaction
from backend.errors import Refused
from backend.exports.findings import findings_frame
from backend.models import AuditEntry, Finding, OutboxMessage
from backend.moderation import actions
from backend.moderation.queue import queue
from backend.participants import service as participants
from backend.prioritize.priorities import prioritize
from backend.services.findings import record_finding
from tests.workbench.helpers import LIGHTS, TRAFFIC, WASTE, integrate, seed

PHONE_TEXT = "آب گرفتگی کوچه ما، شماره من ۰۹۱۵۱۲۳۴۵۶۷ است"


async def _ranked_findings(app: AppContext) -> int:
    async with transaction(app) as session:
        return int((await prioritize(session, app.plan)).ranked.mentions.sum())


async def test_hide_excludes_everywhere_but_the_export_and_restore_brings_back(app: AppContext) -> None:
    traffic, traffic2, waste, phone = await seed(app, [TRAFFIC, TRAFFIC + "!", WASTE, PHONE_TEXT])
    await integrate(app)
    assert await _ranked_findings(app) == 4

    done = await actions.hide(app, "committee", [phone, waste], "شماره تلفن")
    assert done.changed == [waste, phone]
    again = await actions.hide(app, "committee", [phone], "شماره تلفن")
    assert again.changed == [] and again.unchanged == [phone]
    assert await _ranked_findings(app) == 2  # at once, before any integration
    report = await integrate(app)
    assert report.findings == 2 and report.problems == 1
    async with transaction(app) as session:
        counted = await count_findings(session, ["axis"])
        export = (await findings_frame(session)).set_index("id")
        hidden_page = await queue(session, show="hidden")
        outbox = await session.scalar(select(func.count()).select_from(OutboxMessage))
    assert counted.findings.sum() == 2
    assert export.loc[phone, "status"] == "hidden" and export.loc[phone, "hidden_reason"] == "شماره تلفن"
    assert export.loc[traffic, "status"] == "visible"
    assert [item.id for item in hidden_page.items] == [phone, waste] and hidden_page.total == 2
    assert outbox == 0  # nobody is told

    await actions.restore(app, "committee", [waste])
    await integrate(app)
    assert await _ranked_findings(app) == 3
    async with transaction(app) as session:
        entries = (await session.execute(select(AuditEntry.action, AuditEntry.entity_id).order_by(AuditEntry.id))).all()
    assert entries == [
        ("finding.hide", str(waste)),
        ("finding.hide", str(phone)),
        ("finding.restore", str(waste)),
    ]
    assert traffic2 not in {int(e[1]) for e in entries}


async def test_correct_in_bulk_is_audited_and_checked_against_the_plan(app: AppContext) -> None:
    first, second = await seed(app, [WASTE, LIGHTS])
    done = await actions.correct(app, "committee", [first, second], "axis", "services_safety")
    assert done.changed == [first, second]
    await actions.correct(app, "committee", [first], "district", "d05")
    await actions.correct(app, "committee", [first], "working_group", "hq.transport")  # unchanged
    await actions.correct(app, "committee", [second], "kind", "project")
    async with transaction(app) as session:
        rows = {f.id: f for f in (await session.scalars(select(Finding))).all()}
        audit = (await session.scalars(select(AuditEntry).order_by(AuditEntry.id))).all()
    assert rows[first].axis == rows[second].axis == "services_safety"
    assert rows[first].district == "d05" and rows[second].kind == "project"
    assert [(a.action, a.data["field"], a.data["old"], a.data["new"]) for a in audit] == [
        ("finding.correct", "axis", "transport", "services_safety"),
        ("finding.correct", "axis", "transport", "services_safety"),
        ("finding.correct", "district", "d01", "d05"),
        ("finding.correct", "kind", "problem", "project"),
    ]
    for field, value, key in (
        ("axis", "nowhere", "workbench.moderation.bad_axis"),
        ("district", "d99", "workbench.moderation.bad_district"),
        ("kind", "wish", "workbench.moderation.bad_kind"),
        ("text", "x", "workbench.moderation.bad_field"),
    ):
        with pytest.raises(Refused) as refused:
            await actions.correct(app, "committee", [first], field, value)
        assert refused.value.key == key
    with pytest.raises(Refused) as unknown:
        await actions.hide(app, "committee", [first, 999], "x")
    assert unknown.value.key == "workbench.finding.unknown" and unknown.value.params == {"findings": "999"}
    with pytest.raises(Refused) as blank:
        await actions.hide(app, "committee", [first], "  ")
    assert blank.value.key == "workbench.moderation.reason_needed"


async def test_queue_flags_personal_data_at_intake_and_repeats_of_one_participant(app: AppContext) -> None:
    async with transaction(app) as session:
        citizen = await participants.join(session, app.secret, 7001, "fa")
        other = await participants.join(session, app.secret, 7002, "fa")
        ids = []
        for text, who in (
            (WASTE, citizen),
            ("جمع آوری نشدن پسماند در بلوار طبرسی!!", citizen),  # a near-exact repeat
            (WASTE, other),  # the same words from someone else: not a repeat
            (PHONE_TEXT, other),
        ):
            finding = await record_finding(
                session, kind="problem", text=text, source="citizen_poll", participant_id=who.id
            )
            ids.append(finding.id)
        await record_finding(session, kind="problem", text=TRAFFIC, source="elite_interview")
    async with transaction(app) as session:
        page = await queue(session, limit=10)
        flagged = await queue(session, show="flagged")
    by_id = {item.id: item for item in page.items}
    assert [item.source for item in page.items] == ["citizen_poll"] * 4 + ["elite_interview"]  # citizens first
    assert by_id[ids[1]].flags == ["repeat"] and by_id[ids[1]].repeat_of == ids[0]
    assert by_id[ids[0]].flags == [] and by_id[ids[2]].flags == []
    assert by_id[ids[3]].flags == ["phone"]
    assert [item.id for item in flagged.items] == [ids[3]]
