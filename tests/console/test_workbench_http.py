"""The workbench's pages over HTTP: roles, CSRF, escaping, and each action reaching its use case."""

from __future__ import annotations

from sqlalchemy import select

from backend.context import transaction
from backend.models import AuditEntry, Finding, WeightVersion
from backend.services.findings import record_finding
from tests.console.conftest import Console, csrf_of
from tests.workbench.helpers import integrate

COMMITTEE = ("member", "drafting_committee")
ATTACK = "<script>alert(1)</script> ترافیک سنگین در بلوار وکیل‌آباد"
PAGES = ("/moderation", "/review", "/ranking", "/agendas")


async def _seed(console: Console) -> list[int]:
    async with transaction(console.context) as session:
        ids = [
            (await record_finding(session, kind="problem", text=text, source=source, axis="transport")).id
            for text, source in (
                (ATTACK, "citizen_poll"),
                ("ترافیک سنگین در بلوار وکیل‌آباد", "elite_interview"),
                ("جمع‌آوری نشدن پسماند در بلوار طبرسی، شماره من ۰۹۱۵۱۲۳۴۵۶۷", "citizen_poll"),
            )
        ]
    await integrate(console.context)
    return ids


async def test_pages_are_for_the_committee_and_escape_text(console: Console, client_as) -> None:
    await _seed(console)
    committee = await client_as(COMMITTEE)
    other_body = await client_as(("member", "strategic_commission"))
    facilitator = await client_as(("facilitator", "hq.transport"))
    anonymous = console.client()
    for path in PAGES:
        shown = await committee.get(path)
        assert shown.status_code == 200, (path, shown.text)
        assert "<script>alert(1)</script>" not in shown.text
        assert (await other_body.get(path)).status_code == 403
        assert (await facilitator.get(path)).status_code == 403
        assert (await anonymous.get(path)).status_code == 401
    queue = (await committee.get("/moderation")).text
    assert "&lt;script&gt;" in queue and "شماره تلفن" in queue


async def test_actions_need_the_csrf_token_and_are_audited(console: Console, client_as) -> None:
    attack, _, phone = await _seed(console)
    committee = await client_as(COMMITTEE)
    refused = await committee.post("/moderation/act", data={"finding": str(phone), "action": "hide", "reason": "x"})
    assert refused.status_code == 403
    csrf = csrf_of((await committee.get("/moderation")).text)
    hidden = await committee.post(
        "/moderation/act", data={"csrf_token": csrf, "finding": [str(phone)], "action": "hide", "reason": "تلفن"}
    )
    assert hidden.status_code == 303 and "done=1,0" in hidden.headers["location"]
    blank = await committee.post(
        "/moderation/act", data={"csrf_token": csrf, "finding": [str(attack)], "action": "hide", "reason": " "}
    )
    assert blank.status_code == 400 and "پنهان‌کردن دلیل می‌خواهد" in blank.text
    saved = await committee.post(
        "/ranking/save",
        data={
            "csrf_token": csrf,
            "mentions": "50",
            "source_breadth": "50",
            "stakeholder_breadth": "0",
            "district_spread": "0",
            "citizen_salience": "0",
            "severity": "۰",
            "citizen_preference": "0",
            "note": "test",
        },
    )
    assert saved.status_code == 303
    async with transaction(console.context) as session:
        finding = await session.get(Finding, phone)
        version = await session.scalar(select(WeightVersion))
        actions = (await session.scalars(select(AuditEntry.action).order_by(AuditEntry.id))).all()
    assert finding is not None and finding.hidden_reason == "تلفن"
    assert version is not None and version.weights["mentions"] == 0.5
    assert [a for a in actions if a.startswith(("finding.", "weights."))] == ["finding.hide", "weights.save"]
