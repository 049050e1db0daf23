"""The console's own pages in Chromium, signed in through the link flow: keyboard, phone width, screenshots."""

from __future__ import annotations

from datetime import date, timedelta

from backend.context import transaction
from backend.models import Finding, Meeting, Participant, Response, Survey, SurveyVersion, utcnow
from tests.console.conftest import ARTIFACTS, Console

WIDTHS = {"1280": (1280, 900), "400": (400, 860)}


async def _some_participation(console: Console) -> None:
    """A little of everything the dashboard counts, this week and last, and a facilitator with an NGO."""
    now, plan = utcnow(), console.context.plan
    groups = plan.working_groups
    async with transaction(console.context) as session:
        survey = Survey(code="s", title={"fa": "نظرسنجی", "en": "Survey"})
        session.add(survey)
        await session.flush()
        version = SurveyVersion(survey_id=survey.id, version=1, fingerprint="f", definition={})
        session.add(version)
        for i, district in enumerate(plan.districts[:6]):
            for ago in range(i % 3 + 1):
                at = now - timedelta(days=7 * (ago % 2), minutes=5 + i)
                person = Participant(pseudonym=f"p{i}-{ago}", stakeholder_group="citizens", district=district.code)
                person.created_at = at
                session.add(person)
                await session.flush()
                session.add(
                    Response(survey_version_id=version.id, participant_id=person.id, district=district.code,
                             stakeholder_group="citizens", started_at=at, completed_at=at if ago != 1 else None,
                             status="completed" if ago != 1 else "in_progress")
                )  # fmt: skip
        for i, source in enumerate(plan.sources[:5]):
            group = groups[i % 3]
            session.add(
                Finding(kind="problem", text="t", normalized_text="t", source=source.code, axis=group.axis,
                        working_group=group.code, district=plan.districts[i].code, stakeholder_group="citizens",
                        created_at=now - timedelta(hours=i))
            )  # fmt: skip
        session.add(
            Meeting(source="council_interview", working_group=groups[0].code, axes=[groups[0].axis],
                    held_on=date.today(), stakeholder_groups=["city_council"])
        )  # fmt: skip
    await console.person(("facilitator", groups[0].code))
    await console.person(("member", "drafting_committee"))


async def test_the_dashboard_and_people_pages_at_desktop_and_phone_widths(served: Console, page_as) -> None:
    await _some_participation(served)
    for label, size in WIDTHS.items():
        page = await page_as("admin", size=size)
        await page.page.wait_for_selector("#figures")
        assert await page.page.locator("html").get_attribute("dir") == "rtl"
        width = await page.page.evaluate("document.documentElement.scrollWidth")
        assert width <= size[0], f"the page is {width} px wide in a {size[0]} px window"
        await page.screenshot(ARTIFACTS / f"console-dashboard-{label}.png")
        await page.page.goto(served.url + "/people")
        await page.page.wait_for_selector("h1")
        await page.screenshot(ARTIFACTS / f"console-people-{label}.png")
        assert [e for e in page.errors if "ERR_ABORTED" not in e] == []  # leaving the page aborts a poll


async def test_the_skip_link_is_the_first_tab_stop_and_english_is_one_click_away(served: Console, page_as) -> None:
    page = await page_as(("member", "drafting_committee"))
    await page.page.keyboard.press("Tab")
    assert await page.page.evaluate("document.activeElement.getAttribute('href')") == "#main"
    await page.page.keyboard.press("Enter")
    await page.page.get_by_role("link", name="English").click()
    await page.page.wait_for_selector("html[lang=en]")
    assert await page.page.locator("html").get_attribute("dir") == "ltr"
    assert await page.page.get_by_role("heading", level=1).inner_text() == "Participation dashboard"
    assert page.errors == []
