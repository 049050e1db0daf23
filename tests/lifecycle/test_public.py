"""The public results and the static site: what they show, and that nothing personal is in them."""

from __future__ import annotations

import json
from pathlib import Path

from backend.committee.titles import set_public_title
from backend.context import AppContext
from backend.locales import localize_number
from backend.public import opendata
from backend.public.results import MIN_CELL, results
from reports.public.site import Site, page, write_site
from tests.lifecycle import scenario

TRAFFIC_TITLE = "روان‌سازی ترافیک بلوار وکیل‌آباد"
GREEN_TITLE = "فضای سبز در حاشیهٔ شهر"


async def published(app: AppContext) -> tuple[Site, scenario.People]:
    """The scenario decided, two problems given public titles, and the site's results."""
    people = await scenario.build(app)
    await set_public_title(app, "committee", await scenario.problem_of(app, scenario.TRAFFIC), TRAFFIC_TITLE)
    await set_public_title(app, "committee", await scenario.problem_of(app, scenario.GREEN), GREEN_TITLE)
    async with app.sessions() as session:
        found = await results(session, app.plan, app.zone)
    return Site(found, app.plan, app.zone), people


def leaks(text: str, secrets: list[str]) -> list[str]:
    """The secrets found in a text."""
    return [secret for secret in secrets if secret in text]


async def test_static_site_shows_stages_and_titles_and_nothing_personal(app: AppContext, tmp_path: Path) -> None:
    site, people = await published(app)
    out = tmp_path / "site"
    files = write_site(site, out)
    written = [p for p in out.rglob("*") if p.is_file()]
    assert files == len(written)
    secrets = scenario.secrets(people)
    for path in written:
        assert leaks(path.read_text(encoding="utf-8"), secrets) == [], path

    traffic = await scenario.problem_of(app, scenario.TRAFFIC)
    index = (out / "index.html").read_text(encoding="utf-8")
    assert TRAFFIC_TITLE in index and f'href="problems/{traffic}.html"' in index and 'dir="rtl"' in index
    assert "تصویب در کمیته تدوین" in index
    own = (out / "problems" / f"{traffic}.html").read_text(encoding="utf-8")
    assert TRAFFIC_TITLE in own and "رتبهٔ ۱" in own and "گستره منابع" in own and 'href="../style.css"' in own
    english = (out / "en" / "problems" / f"{traffic}.html").read_text(encoding="utf-8")
    assert "Approved by the Mid-term Plan Drafting and Review Committee" in english and 'dir="ltr"' in english
    untitled = [p for p in site.results.problems if p.title is None]
    assert (
        untitled and f"مسئلهٔ شمارهٔ {localize_number(untitled[0].id, 'fa')}" in index
    )  # no public title: only its number

    evidence = (out / "evidence.html").read_text(encoding="utf-8")
    assert "کمتر از ۵" in evidence
    cells = json.loads((out / "data" / "cells.json").read_text(encoding="utf-8"))["rows"]
    by_cell = {(c["district"], c["stakeholder_group"]): c["people"] for c in cells}
    assert by_cell[("d02", "elites")] is None, by_cell  # one person: suppressed
    assert by_cell[("d01", "citizens")] == MIN_CELL  # three citizens, a meeting's note and an agency's request
    assert all(n is None or n >= MIN_CELL for n in by_cell.values())


async def test_open_data_matches_the_pages(app: AppContext) -> None:
    site, people = await published(app)
    traffic = await scenario.problem_of(app, scenario.TRAFFIC)
    problems = {row["id"]: row for row in opendata.rows(site.results, "problems")}
    assert problems[traffic]["public_title"] == TRAFFIC_TITLE and problems[traffic]["stage"] == "approved"
    assert problems[traffic]["rank"] == 1
    stages = [r["stage"] for r in opendata.rows(site.results, "stages") if r["problem_id"] == traffic]
    assert stages == ["integrated", "ranked", "on_agenda", "approved"]
    for dataset in opendata.DATASETS:
        text = json.dumps(opendata.as_json(site.results, dataset), ensure_ascii=False) + opendata.as_csv(
            site.results, dataset
        )
        assert leaks(text, scenario.secrets(people)) == [], dataset
        assert opendata.as_csv(site.results, dataset).splitlines()[0].split(",") == list(opendata.FIELDS[dataset])
    assert page(site, "problems/999999.html") is None and page(site, "nothing.html") is None
