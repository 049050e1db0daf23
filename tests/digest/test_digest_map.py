"""The digest's map of the points citizens shared, by district, when the plan has boundaries."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from backend.db import transaction
from backend.digest.build import build_digest
from backend.digest.period import week_of
from backend.plan import load_plan
from backend.services import surveys
from backend.surveys.xlsform import load_xlsform
from reports.digest.charts import digest_charts
from tests.analysis.helpers import answer
from tests.data.boundaries import HARAM, TEHRAN, plan_with_boundaries
from tests.data.xlsforms.corpus import write_workbook
from tests.digest.conftest import Sessions
from tests.e2e.test_survey_location_photo import LAMP_FORM


async def test_shared_points_are_mapped_by_district(sqlite_sessions: Sessions, tmp_path: Path) -> None:
    plan = load_plan(plan_with_boundaries(tmp_path))
    definition = load_xlsform(write_workbook(LAMP_FORM, tmp_path / "lamps.xlsx"))
    async with transaction(sqlite_sessions) as session:
        registration = await surveys.register(session, definition)
        registration.survey.is_open = True
        for citizen, (point, district) in enumerate([(HARAM, "d05"), ((36.28, 59.58), "d04"), (TEHRAN, None)]):
            typed = f"{point[0]}, {point[1]}"
            await answer(
                session,
                plan,
                registration,
                500 + citizen,
                district="d05",
                replies={"where": [typed, district] if district else typed},
            )
    now = datetime.now(UTC)
    async with sqlite_sessions() as session:
        digest = await build_digest(session, plan, week_of(now.date()), now=now)
    [section] = digest.surveys
    assert sorted(section.points.district.fillna("-")) == ["-", "d04", "d05"]
    charts = {chart.key: chart for chart in digest_charts(digest, "fa")}
    assert charts["survey-lamp_report-map"].png.startswith(b"\x89PNG")
    assert "موقعیت‌های فرستاده‌شده" in charts["survey-lamp_report-map"].title
    without = {chart.key for chart in digest_charts(digest.__class__(**{**digest.__dict__, "plan": load_plan()}), "fa")}
    assert "survey-lamp_report-map" not in without  # no boundaries, no map
