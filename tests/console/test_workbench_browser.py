"""The committee's workbench in Chromium, signed in through the link flow: hide a finding, merge and
split problems, move a weight, refuse an inconsistent AHP matrix; checked against the backend and the
command line."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import select

from backend.aggregation.findings import count_findings
from backend.context import transaction
from backend.exports.findings import findings_frame
from backend.models import AuditEntry, ProblemFinding
from backend.prioritize.priorities import prioritize
from backend.services.findings import record_finding
from tests.console.conftest import ARTIFACTS, Console
from tests.workbench.helpers import TRAFFIC, WASTE, integrate

COMMITTEE = ("member", "drafting_committee")
WASTE_2 = "انباشت زباله و بوی بد در بلوار طبرسی کنار پارک"
PHONE = "آب گرفتگی کوچه ما در بلوار سجاد، شماره من ۰۹۱۵۱۲۳۴۵۶۷ است"


async def _record(console: Console, *texts_sources: tuple[str, str]) -> list[int]:
    async with transaction(console.context) as session:
        return [
            (await record_finding(session, kind="problem", text=text, source=source, axis="transport")).id
            for text, source in texts_sources
        ]


async def _links(console: Console) -> dict[int, int]:
    async with transaction(console.context) as session:
        return dict((await session.execute(select(ProblemFinding.finding_id, ProblemFinding.problem_id))).all())


def _meydan(console: Console, tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """``meydan *args`` on the console's database, as a user runs it."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("MEYDAN_")}
    url = console.context.settings.db_url.render_as_string(hide_password=False)
    env.update(MEYDAN_DATABASE_URL=url, MEYDAN_DATA_DIR=str(tmp_path / "cli"), COLUMNS="200")
    meydan = str(Path(sys.executable).with_name("meydan"))
    return subprocess.run([meydan, *args], env=env, capture_output=True, text=True, timeout=120, cwd=tmp_path)


async def test_hidden_finding_leaves_the_aggregation_and_ranking_but_stays_in_the_export(
    served: Console, page_as
) -> None:
    traffic, phone = await _record(served, (TRAFFIC, "elite_interview"), (PHONE, "citizen_poll"))
    await integrate(served.context)
    phone_problem = (await _links(served))[phone]
    page = await page_as(COMMITTEE)
    await page.page.goto(served.url + "/ranking")
    assert await page.page.locator(f"#ranked tr[data-problem='{phone_problem}']").count() == 1
    await page.page.goto(served.url + "/moderation?show=flagged")
    row = page.page.locator(f"#finding-{phone}")
    assert "شماره تلفن" in await row.inner_text()
    await page.page.keyboard.press("j")  # the keyboard: first finding, select it, hide (asks the reason)
    await page.page.keyboard.press("x")
    assert await row.locator("input[type=checkbox]").is_checked()
    await page.page.keyboard.press("h")
    await page.page.keyboard.type("شماره تلفن شخصی")
    await page.page.keyboard.press("Enter")
    await page.page.wait_for_selector("p.notice")
    await page.screenshot(ARTIFACTS / "workbench-moderation.png")
    await page.page.goto(served.url + "/moderation?show=hidden")
    assert "شماره تلفن شخصی" in await page.page.locator(f"#finding-{phone} .status").inner_text()
    await page.page.goto(served.url + "/ranking")
    assert await page.page.locator(f"#ranked tr[data-problem='{phone_problem}']").count() == 0
    async with transaction(served.context) as session:
        counted = int((await count_findings(session, ["axis"])).findings.sum())
        ranked = (await prioritize(session, served.context.plan)).ranked
        export = (await findings_frame(session)).set_index("id")
        audit = (await session.scalars(select(AuditEntry).where(AuditEntry.action == "finding.hide"))).all()
    assert counted == 1 and list(ranked.index) == [(await _links(served))[traffic]]
    assert export.loc[phone, "status"] == "hidden" and export.loc[phone, "hidden_reason"] == "شماره تلفن شخصی"
    assert [(a.entity_id, a.actor.startswith("console:")) for a in audit] == [(str(phone), True)]
    assert page.errors == []


async def test_split_and_merge_through_the_page_then_the_command_line_and_a_rerun(
    served: Console, page_as, tmp_path: Path
) -> None:
    waste, waste2, traffic = await _record(
        served, (WASTE, "elite_interview"), (WASTE_2, "citizen_poll"), (TRAFFIC, "elite_interview")
    )
    await integrate(served.context)
    first = (await _links(served))[waste]
    page = await page_as(COMMITTEE)
    await page.page.goto(served.url + "/review")
    card = page.page.locator(f"#problem-{first}")
    await card.locator(f"input[name=finding][value='{waste2}']").check()
    await card.locator("form.split button").click()
    await page.page.wait_for_load_state()
    links = await _links(served)
    assert links[waste] == first and links[waste2] != first
    assert _meydan(served, tmp_path, "problems", "integrate").returncode == 0  # suggestions computed afresh
    await page.page.goto(served.url + "/review?suggested=1")
    card = page.page.locator(f"#problem-{first}")
    assert await card.locator(".suggestion mark").count() >= 1  # the shared words are marked
    await page.screenshot(ARTIFACTS / "workbench-review.png")
    await card.locator(".suggestion button").first.click()
    await page.page.wait_for_load_state()
    links = await _links(served)
    assert links[waste] == links[waste2] == first

    listed = _meydan(served, tmp_path, "problems", "list", "--lang", "en")
    assert listed.returncode == 0, listed.stderr
    lines = [line for line in listed.stdout.splitlines() if f" {first} " in line]
    assert lines and "confirmed" in lines[0] and " 2 " in lines[0], listed.stdout
    again = _meydan(served, tmp_path, "problems", "integrate")
    assert again.returncode == 0 and "0 findings (re)linked" in again.stdout, again.stdout
    links = await _links(served)
    assert links[waste] == links[waste2] == first and links[traffic] != first
    assert page.errors == []


async def test_moving_a_weight_reorders_at_once_and_saving_is_audited(served: Console, page_as) -> None:
    loud_texts = [(TRAFFIC + "!" * n, "elite_interview") for n in range(5)]
    broad_texts = [(WASTE, source) for source in ("elite_interview", "council_interview", "agency_interview")]
    loud, *_, broad = await _record(served, *loud_texts, *broad_texts)
    await integrate(served.context)
    links = await _links(served)
    page = await page_as(COMMITTEE)
    await page.page.goto(served.url + "/ranking")
    first_row = "want => document.querySelector('#ranked tbody tr').dataset.problem === want"
    for mentions, breadth, leader in (("100", "0", links[loud]), ("0", "100", links[broad])):
        await page.page.locator("#weight-mentions").fill(mentions)
        await page.page.locator("#weight-source_breadth").fill(breadth)
        await page.page.wait_for_function(first_row, arg=str(leader))  # re-ranked without a reload
    await page.page.locator("#save-weights").click()
    await page.page.wait_for_load_state()
    await page.screenshot(ARTIFACTS / "workbench-ranking.png")
    async with transaction(served.context) as session:
        audit = (await session.scalars(select(AuditEntry).where(AuditEntry.action == "weights.save"))).all()
    saved = audit[0].data["weights"]
    assert len(audit) == 1 and saved["mentions"] == 0 and max(saved, key=saved.get) == "source_breadth"
    assert page.errors == []


async def test_an_inconsistent_ahp_matrix_is_refused_with_its_ratio(served: Console, page_as) -> None:
    await _record(served, (WASTE, "elite_interview"))
    await integrate(served.context)
    page = await page_as(COMMITTEE)
    await page.page.goto(served.url + "/ranking")
    await page.page.locator("#ahp select[name='0-2']").select_option("9")  # mentions far above stakeholders,
    await page.page.locator("#ahp select[name='1-2']").select_option(
        "1/9"
    )  # sources far below them, yet sources = mentions
    await page.page.locator("#ahp button").click()
    error = page.page.locator("#ahp-error")
    await error.wait_for()
    text = await error.inner_text()
    assert "۰.۲۲۳" in text and "تعداد اشاره" in text and "گستره ذی‌نفعان" in text, text
    async with transaction(served.context) as session:
        assert (await session.scalars(select(AuditEntry).where(AuditEntry.action == "weights.save"))).all() == []
    await page.page.locator("#ahp select[name='0-2']").select_option("2")  # mild: accepted
    await page.page.locator("#ahp select[name='1-2']").select_option("1")
    await page.page.locator("#ahp button").click()
    await page.page.wait_for_selector("p.notice")
    assert float(await page.page.locator("#weight-mentions").input_value()) > float(
        await page.page.locator("#weight-source_breadth").input_value()
    )
    assert page.errors == [] or all("400" in e for e in page.errors)


async def test_the_workbench_pages_fit_a_phone_and_the_desktop(served: Console, page_as) -> None:
    await _record(served, (PHONE, "citizen_poll"), (WASTE, "elite_interview"), (WASTE_2, "citizen_poll"))
    await integrate(served.context)
    for width, height in ((1280, 900), (400, 860)):
        page = await page_as(COMMITTEE, size=(width, height))
        for path in ("/moderation", "/review", "/ranking", "/agendas"):
            await page.page.goto(served.url + path)
            await page.page.wait_for_selector("h1")
            assert await page.page.locator("html").get_attribute("dir") == "rtl"
            scrolled = await page.page.evaluate("document.documentElement.scrollWidth")
            assert scrolled <= width, f"{path} is {scrolled} px wide in a {width} px window"
            await page.screenshot(ARTIFACTS / f"workbench{path.replace('/', '-')}-{width}.png")
        assert page.errors == []
