"""An admin records execution progress in the console; the public page and the lifecycle show it."""

from __future__ import annotations

from sqlalchemy import select

from backend.lifecycle import stages
from backend.models import AuditEntry
from tests.console.conftest import Console, csrf_of
from tests.lifecycle import scenario
from tests.lifecycle.test_public import published

MEMBER = ("member", "drafting_committee")


async def test_an_admin_records_progress_and_the_public_page_shows_it(console: Console, client_as) -> None:  # type: ignore[no-untyped-def]
    await published(console.context)
    traffic = await scenario.problem_of(console.context, scenario.TRAFFIC)
    async with console.context.sessions() as session, session.begin():  # the last body approved it
        await stages.record(session, [stages.event("test", traffic, "in_plan")])
    admin = await client_as("admin")
    shown = await admin.get("/progress")
    assert shown.status_code == 200 and "روان‌سازی ترافیک بلوار وکیل‌آباد" in shown.text
    token = csrf_of(shown.text)

    bad = await admin.post(f"/progress/{traffic}", data={"csrf_token": token, "percent": "۱۴۰"})
    assert bad.status_code == 400 and "از ۰ تا ۱۰۰" in bad.text
    not_in_plan = await admin.post("/progress/999999", data={"csrf_token": token, "percent": "10"})
    assert not_in_plan.status_code == 400 and "در برنامهٔ مصوب نیست" in not_in_plan.text
    forged = await admin.post(f"/progress/{traffic}", data={"percent": "40"})
    assert forged.status_code == 403

    done = await admin.post(f"/progress/{traffic}", data={"csrf_token": token, "percent": "۴۰", "note": "طراحی تقاطع"})
    assert done.status_code == 303
    async with console.context.sessions() as session:
        latest = (await stages.latest(session, [traffic]))[traffic]
        audited = (
            await session.scalars(select(AuditEntry.actor).where(AuditEntry.action == "lifecycle.progress"))
        ).all()
    assert (latest.stage, latest.percent, latest.detail) == ("in_execution", 40, "طراحی تقاطع")
    assert audited and audited[0].startswith("console:")
    public = await admin.get(f"/public/problems/{traffic}.html")
    assert "در حال اجرا (۴۰٪)" in public.text and "طراحی تقاطع" in public.text

    member = await client_as(MEMBER)
    assert (await member.get("/progress")).status_code == 403
