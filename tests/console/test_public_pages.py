"""The public results served by the console without sign-in, and the static site in Chromium:
nothing personal on any page, in any download or API response; no request outside the static site's
folder; axe-core finds no serious or critical accessibility violation."""

from __future__ import annotations

import json
from pathlib import Path

from backend.public import opendata
from backend.public.results import results
from reports.public.site import Site, paths, write_site
from tests.console.conftest import Console
from tests.lifecycle import scenario
from tests.lifecycle.test_public import TRAFFIC_TITLE, leaks, published

AXE = Path(__file__).resolve().parents[1] / "vendor" / "axe-core" / "axe.min.js"
API = f"/api/public/{opendata.VERSION}"


async def _site(console: Console) -> Site:
    async with console.context.sessions() as session:
        return Site(
            await results(session, console.context.plan, console.context.zone),
            console.context.plan,
            console.context.zone,
        )


async def test_every_public_page_download_and_api_response_is_free_of_personal_data(console: Console) -> None:
    _, people = await published(console.context)
    site = await _site(console)
    secrets = scenario.secrets(people) + ["zahra"]
    traffic = await scenario.problem_of(console.context, scenario.TRAFFIC)
    addresses = [f"/public/{p}" for p in paths(site)] + ["/public/style.css", API]
    addresses += [f"/public/data/{d}.{ext}" for d in opendata.DATASETS for ext in ("json", "csv")]
    addresses += [f"{API}/{d}" for d in opendata.DATASETS] + [f"{API}/{d}.csv" for d in opendata.DATASETS]
    async with console.client() as client:  # no sign-in
        for address in addresses:
            response = await client.get(address)
            assert response.status_code == 200, address
            assert leaks(response.text, secrets) == [], address
        own = await client.get(f"/public/problems/{traffic}.html")
        assert TRAFFIC_TITLE in own.text and "تصویب در کمیته تدوین" in own.text
        assert (await client.get("/public", follow_redirects=True)).url.path == "/public/index.html"
        api = (await client.get(f"{API}/problems")).json()
        assert api["version"] == opendata.VERSION and any(r["public_title"] == TRAFFIC_TITLE for r in api["rows"])
        cells = {
            (r["district"], r["stakeholder_group"]): r["people"]
            for r in (await client.get(f"{API}/cells")).json()["rows"]
        }
        assert cells[("d02", "elites")] is None  # a cell of one person is suppressed
        assert (await client.get("/public/problems/999999.html")).status_code == 404
        assert (await client.get(f"{API}/people")).status_code == 404
        assert (await client.get("/")).status_code == 401  # the rest of the console still needs a session


async def test_static_site_from_a_folder_requests_nothing_outside_it(console: Console, browser, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from tests.browser import open_page

    await published(console.context)
    site = await _site(console)
    out = tmp_path / "site"
    write_site(site, out)
    folder = out.resolve().as_uri() + "/"
    requested: list[str] = []
    async with open_page(browser, (400, 800), phone=True) as opened:
        opened.page.on("request", lambda request: requested.append(request.url))
        for path in paths(site):
            await opened.page.goto(folder + path)
            links = await opened.page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")
            assert all(link.startswith(folder) for link in links), (
                path,
                [x for x in links if not x.startswith(folder)],
            )
            for link in {link.split("#")[0] for link in links}:  # every link leads to a file in the folder
                assert (out / link[len(folder) :]).is_file(), (path, link)
        assert opened.errors == []
    assert requested and all(url.startswith(folder) for url in requested), [
        u for u in requested if not u.startswith(folder)
    ]


async def test_axe_finds_no_serious_or_critical_violation(served: Console, browser) -> None:  # type: ignore[no-untyped-def]
    await published(served.context)
    site = await _site(served)
    script = AXE.read_text(encoding="utf-8")
    found: dict[str, list[str]] = {}
    # the pages allow no inline script (CSP): the test's own injection bypasses it, the pages do not
    context = await browser.new_context(viewport={"width": 400, "height": 800}, is_mobile=True, bypass_csp=True)
    try:
        page = await context.new_page()
        for path in paths(site):
            response = await page.goto(f"{served.url}/public/{path}")
            assert response is not None and response.ok, path
            await page.add_script_tag(content=script)
            report = await page.evaluate("async () => JSON.stringify(await axe.run(document))")
            checked = json.loads(report)
            assert checked["passes"], path  # axe ran its rules on the page
            bad = [v["id"] for v in checked["violations"] if v["impact"] in ("serious", "critical")]
            if bad:
                found[path] = bad
    finally:
        await context.close()
    assert found == {}
