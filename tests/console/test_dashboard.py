"""The dashboard's figures (backend.dashboard) counted into today, this week and the same spans a week
before, by dimension, and the coverage matrix; then the page a member reads, escaping what people wrote."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from backend.context import AppContext, transaction
from backend.dashboard.figures import dashboard, spans
from backend.jalali import TEHRAN
from backend.models import Finding, Meeting, Participant, Response, Survey, SurveyVersion
from tests.console.conftest import Console

NOW = datetime(2026, 12, 7, 12, 0, tzinfo=TEHRAN)  # a Monday; the week began on Saturday the 5th
ATTACK = '<script>alert("x")</script>'


def at(day: int, hour: int, month: int = 12) -> datetime:
    return datetime(2026, month, day, hour, 0, tzinfo=TEHRAN)


async def _fill(context: AppContext) -> str:
    working_group = context.plan.working_groups[0].code
    async with transaction(context) as session:
        people = [
            Participant(pseudonym=f"p{i}", stakeholder_group="citizens", district=district, created_at=made)
            for i, (district, made) in enumerate(
                [("d09", at(7, 9)), ("d02", at(5, 10)), ("d09", at(30, 10, 11)), (None, at(20, 9, 11))]
            )
        ]
        survey = Survey(code="s", title={"fa": "s"})
        session.add_all([*people, survey])
        await session.flush()
        version = SurveyVersion(survey_id=survey.id, version=1, fingerprint="f", definition={})
        session.add(version)
        await session.flush()

        def response(who: Participant, started: datetime, completed: datetime | None) -> Response:
            return Response(
                survey_version_id=version.id,
                participant_id=who.id,
                status="completed" if completed else "in_progress",
                district=who.district,
                stakeholder_group="citizens",
                started_at=started,
                completed_at=completed,
            )

        session.add_all(
            [
                response(people[0], at(7, 9), at(7, 10)),  # today
                response(people[1], at(5, 10), None),  # this week, not today
                response(people[2], at(30, 10, 11), at(30, 11, 11)),  # a week before today, before noon
                response(people[2], at(30, 13, 11), None),  # a week before today, after noon: not yet
                response(people[3], at(20, 9, 11), at(20, 10, 11)),  # too long ago
                response(people[0], at(7, 13), None),  # after now
            ]
        )
        session.add_all(
            [
                Finding(kind="problem", text="a", normalized_text="a", source="elite_interview", axis="transport",
                        district="d09", stakeholder_group="urban_elites", working_group=working_group,
                        created_at=at(7, 8)),
                Finding(kind="problem", text="b", normalized_text="b", source="citizen_poll", axis="governance",
                        district=ATTACK, stakeholder_group="citizens", created_at=at(29, 8, 11)),
                Finding(kind="problem", text="c", normalized_text="c", source="agency_interview", axis="transport",
                        working_group=working_group, created_at=at(6, 8), deleted_at=at(6, 9)),
                Meeting(kind="meeting", source="council_interview", working_group=working_group,
                        axes=["transport", "governance"], held_on=date(2026, 12, 6), district="d09",
                        stakeholder_groups=["city_council"]),
            ]
        )  # fmt: skip
    return working_group


async def test_figures_by_period_dimension_and_coverage(console: Console) -> None:
    working_group = await _fill(console.context)
    figures = await dashboard(console.context, now=NOW)
    m = figures.measures
    assert m["started"].total == {"today": 1, "day_week_before": 1, "week": 2, "week_before": 1}
    assert m["completed"].total == {"today": 1, "day_week_before": 1, "week": 1, "week_before": 1}
    assert m["participants"].total == {"today": 1, "day_week_before": 1, "week": 2, "week_before": 1}
    assert m["started"].by["district"]["d09"] == {"today": 1, "day_week_before": 1, "week": 1, "week_before": 1}
    assert m["started"].by["district"]["d02"]["week"] == 1
    assert m["started"].by["source"]["citizen_poll"]["week"] == 2
    assert m["findings"].total == {"today": 1, "day_week_before": 0, "week": 1, "week_before": 1}  # deleted left out
    assert m["findings"].by["axis"]["governance"]["week_before"] == 1
    assert m["meetings"].total["week"] == 1 and m["meetings"].total["today"] == 0
    assert m["meetings"].by["axis"]["transport"]["week"] == m["meetings"].by["axis"]["governance"]["week"] == 1
    assert figures.coverage.count(working_group, "elite_interview") == 1
    assert figures.coverage.count(working_group, "council_interview") == 1
    assert figures.coverage.count(working_group, "agency_interview") == 0  # its one finding was deleted


def test_the_spans_a_week_apart_end_at_the_same_time_of_day() -> None:
    span = spans(NOW, TEHRAN)
    assert span.bounds["week"] == (at(5, 0), NOW)
    assert span.bounds["week_before"] == (at(28, 0, 11), NOW - timedelta(days=7))
    assert span.days["today"] == (date(2026, 12, 7), date(2026, 12, 8))


async def test_the_dashboard_page_shows_counts_and_gaps_and_escapes_what_people_wrote(
    console: Console, client_as
) -> None:
    await _fill(console.context)
    member = await client_as(("member", "drafting_committee"))
    page = (await member.get("/")).text
    assert ATTACK not in page and "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in page
    assert "پوشش منابع" in page and 'class="gap"' in page
    figures = await member.get("/dashboard/figures", headers={"HX-Request": "true"})
    assert figures.status_code == 200 and figures.text.lstrip().startswith('<div id="figures"')
    assert ATTACK not in figures.text


async def test_the_figures_are_shared_and_counted_again_in_the_background(console: Console) -> None:
    from backend.models import utcnow
    from console.pages.dashboard import Recent

    recent, drawn = Recent(ttl=3600), []

    def draw(figures) -> str:  # type: ignore[no-untyped-def]
        drawn.append(figures)
        return str(figures.measures["findings"].total["today"])

    assert await recent.html(console.context, "fa", draw) == "0"
    async with transaction(console.context) as session:
        session.add(Finding(kind="problem", text="x", normalized_text="x", source="citizen_poll", created_at=utcnow()))
    assert await recent.html(console.context, "fa", draw) == "0" and len(drawn) == 1  # shared, drawn once
    recent.ttl = 1e-9  # the figures are now old: served once more while they are counted again
    assert await recent.html(console.context, "fa", draw) == "0"
    assert recent._recount is not None
    await recent._recount
    assert await recent.html(console.context, "en", draw) == "1"
