"""Pages of the public results, in Persian (the site's root) and English (``en/``).

Every page is addressed by a path relative to the site's root (``index.html``,
``problems/12.html``, ``en/decisions.html``) and links only relatively, so the same files work
served under ``/public/`` and opened from a folder. A problem's page address never changes.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from markupsafe import Markup, escape

from backend.jalali import format_date, format_week, to_local
from backend.lifecycle.stages import Stage
from backend.locales import localize_number
from backend.plan import Plan
from backend.public import opendata
from backend.public.results import PublicProblem, Results
from reports.labels import catalog, label
from reports.templates import render

LANGUAGES = ("fa", "en")
PAGES = ("index", "districts", "decisions", "evidence", "participation", "methods", "data")
STYLE = Path(__file__).with_name("style.css")
CHART_HEIGHT, BAR = 120, 14


@dataclass(frozen=True)
class Site:
    """What every page needs: the results, the plan and its time zone."""

    results: Results
    plan: Plan
    zone: ZoneInfo

    def name(self, kind: str, code: str | None, lang: str) -> str:
        """A plan item's name (axis, district, source, stakeholder group, body) in ``lang``."""
        item = self.plan.get(kind, code) if code else None
        return item.name(lang) if item is not None else label("public.unknown", lang)

    def date(self, value: Any, lang: str) -> str:
        return _day(to_local(value, self.zone).date(), lang) if value is not None else "—"

    @cached_property
    def by_id(self) -> dict[int, PublicProblem]:
        """The problems by id."""
        return {p.id: p for p in self.results.problems}


@lru_cache(maxsize=4096)
def _day(day: date, lang: str) -> str:
    return format_date(day, lang)


@lru_cache(maxsize=1024)
def _text(key: str, lang: str) -> str:
    return label(f"public.{key}", lang)


def _t(key: str, lang: str, **params: Any) -> str:
    return label(f"public.{key}", lang, **params) if params else _text(key, lang)


def _n(value: float | int | None, lang: str, decimals: int = 0) -> str:
    if value is None:
        return "—"
    return localize_number(value, lang, decimals=decimals, trim=True) if decimals else localize_number(int(value), lang)


def title_of(problem: PublicProblem, lang: str) -> str:
    """The public title, or a placeholder naming the problem by its number only."""
    return problem.title or _t("untitled", lang, id=problem.id)


def stage_text(site: Site, stage: Stage, lang: str) -> str:
    """A stage in words (its body, rank or percent)."""
    body = site.name("body", stage.body, lang) if stage.body else ""
    return _t(f"stage.{stage.stage}", lang, body=body, rank=stage.rank or 0, percent=stage.percent or 0)


def _cell(text: str, href: str | None = None, num: bool = False) -> dict[str, Any]:
    return {"text": text, "href": href, "num": num}


def _table(caption: str, columns: list[str], rows: list[list[dict[str, Any]]]) -> dict[str, Any]:
    return {"kind": "table", "caption": caption, "columns": columns, "rows": rows}


def _problem_rows(site: Site, problems: list[PublicProblem], lang: str, home: str) -> list[list[dict[str, Any]]]:
    return [
        [
            _cell(_n(p.rank, lang) if p.rank else "—", num=True),
            _cell(title_of(p, lang), f"{home}problems/{p.id}.html"),
            _cell(site.name("district", p.district, lang) if p.district else _t("spread", lang)),
            _cell(stage_text(site, p.stage, lang)),
            _cell(site.date(p.stage.at, lang)),
            _cell(_n(p.evidence, lang), num=True),
        ]
        for p in problems
    ]


def _joined(texts: list[str], lang: str) -> str:
    return ("؛ " if lang == "fa" else "; ").join(texts)


def _columns(lang: str, *keys: str) -> list[str]:
    return [_t(f"columns.{k}", lang) for k in keys]


def _ranked(problems: list[PublicProblem]) -> list[PublicProblem]:
    return sorted(problems, key=lambda p: (p.rank is None, p.rank or 0, p.id))


def _grouped(site: Site, lang: str, home: str, kind: str, key: str) -> list[dict[str, Any]]:
    groups: dict[str | None, list[PublicProblem]] = defaultdict(list)
    for p in site.results.problems:
        groups[getattr(p, key)].append(p)
    order = [item.code for item in (site.plan.axes if kind == "axis" else site.plan.districts)]
    columns = _columns(lang, "rank", "title", "district", "stage", "since", "evidence")
    blocks = []
    for code in [c for c in order if c in groups] + ([None] if None in groups else []):
        caption = site.name(kind, code, lang) if code else _t("spread" if kind == "district" else "unknown", lang)
        blocks.append(_table(caption, columns, _problem_rows(site, _ranked(groups[code]), lang, home)))
    return blocks or [{"kind": "p", "text": _t("none", lang)}]


def _counts(site: Site, kind: str, counts: dict[str, int], lang: str, caption: str, column: str) -> dict[str, Any]:
    rows = [
        [_cell(site.name(kind, code, lang)), _cell(_n(n, lang), num=True)]
        for code, n in sorted(counts.items(), key=lambda kv: -kv[1])
    ]
    return _table(caption, _columns(lang, column, "count"), rows)


def _decision_rows(site: Site, lang: str, home: str, body: str) -> list[list[dict[str, Any]]]:
    titles = site.by_id
    rows = []
    for d in site.results.decisions:
        if d.body != body:
            continue
        problem = titles[d.problem_id]
        rows.append(
            [
                _cell(title_of(problem, lang), f"{home}problems/{problem.id}.html"),
                _cell(_t(f"outcome.{d.outcome}", lang)),
                _cell(site.date(d.at, lang)),
                _cell(" / ".join(_n(v, lang) for v in (d.approve, d.reject, d.abstain)), num=True),
                _cell(_joined(d.reasons, lang)),
            ]
        )
    return rows


def _chart(site: Site, lang: str) -> dict[str, Any]:
    weeks = site.results.weeks
    most = max((w.findings for w in weeks), default=0)
    bars = (
        [
            {
                "x": i * (BAR + 4),
                "w": BAR,
                "h": round(CHART_HEIGHT * w.findings / most),
                "y": CHART_HEIGHT - round(CHART_HEIGHT * w.findings / most),
            }
            for i, w in enumerate(weeks)
        ]
        if most
        else []
    )
    return {
        "kind": "chart",
        "id": "participation-chart",
        "alt": _t("participation.chart", lang, max=most),
        "bars": bars,
        "width": max(1, len(weeks) * (BAR + 4)),
        "height": CHART_HEIGHT,
    }


def _page_blocks(site: Site, page: str, lang: str, home: str, root: str) -> tuple[str, list[dict[str, Any]]]:
    results = site.results
    if page == "index":
        return _t("index.heading", lang), [
            {"kind": "p", "text": _t("intro", lang)},
            *_grouped(site, lang, home, "axis", "axis"),
        ]
    if page == "districts":
        return _t("districts.heading", lang), _grouped(site, lang, home, "district", "district")
    if page == "decisions":
        columns = _columns(lang, "problem", "outcome", "date", "votes", "reasons")
        return _t("decisions.heading", lang), [
            _table(body.name(lang), columns, _decision_rows(site, lang, home, body.code)) for body in site.plan.bodies
        ]
    if page == "evidence":
        cells = [
            [
                _cell(site.name("district", c.district, lang)),
                _cell(site.name("stakeholder_group", c.group, lang)),
                _cell(_n(c.people, lang) if c.people is not None else _t("suppressed", lang), num=True),
            ]
            for c in results.cells
        ]
        return _t("evidence.heading", lang), [
            _counts(site, "source", results.by_source, lang, _t("evidence.by_source", lang), "source"),
            _counts(site, "stakeholder_group", results.by_group, lang, _t("evidence.by_group", lang), "group"),
            _table(_t("evidence.cells", lang), _columns(lang, "district", "group", "people"), cells),
            {"kind": "p", "text": _t("suppressed_note", lang)},
        ]
    if page == "participation":
        rows = [
            [
                _cell(format_week(w.year, w.week, lang)),
                _cell(_n(w.findings, lang), num=True),
                _cell(_n(w.people, lang), num=True),
            ]
            for w in results.weeks
        ]
        return _t("participation.heading", lang), [
            _chart(site, lang),
            _table(_t("participation.heading", lang), _columns(lang, "week", "findings", "people"), rows),
        ]
    if page == "methods":
        parts = ("collect", "integrate", "rank", "approve", "execute", "privacy")
        return _t("methods.heading", lang), [{"kind": "p", "text": _t(f"methods.{p}", lang)} for p in parts]
    if page == "data":
        blocks: list[dict[str, Any]] = [{"kind": "p", "text": _t("data.intro", lang)}]
        for dataset in opendata.DATASETS:
            blocks += [
                {"kind": "h2", "text": dataset},
                {
                    "kind": "list",
                    "items": [
                        {"text": f"/api/public/{opendata.VERSION}/{dataset}", "note": _t("data.api", lang)},
                        {
                            "text": f"{dataset}.json",
                            "href": f"{root}data/{dataset}.json",
                            "note": _t("data.downloads", lang),
                        },
                        {
                            "text": f"{dataset}.csv",
                            "href": f"{root}data/{dataset}.csv",
                            "note": _t("data.downloads", lang),
                        },
                    ],
                },
                {"kind": "p", "text": _t("data.fields", lang) + ": " + ", ".join(opendata.FIELDS[dataset])},
            ]
        return _t("data.heading", lang), blocks
    raise KeyError(page)


def _problem_blocks(site: Site, p: PublicProblem, lang: str, home: str) -> tuple[str, list[dict[str, Any]]]:
    facts = [
        (_t("columns.title", lang), title_of(p, lang)),
        (_t("columns.axis", lang), site.name("axis", p.axis, lang)),
        (_t("columns.district", lang), site.name("district", p.district, lang) if p.district else _t("spread", lang)),
        (_t("columns.stage", lang), stage_text(site, p.stage, lang)),
        (_t("problem.address", lang), f"problems/{p.id}.html"),
    ]
    history = [
        [
            _cell(stage_text(site, s, lang)),
            _cell(site.date(s.at, lang)),
            _cell(s.detail or "" if s.stage != "approved" else ""),
        ]
        for s in p.history
    ]
    blocks: list[dict[str, Any]] = [
        {"kind": "dl", "pairs": facts},
        _table(_t("problem.history", lang), _columns(lang, "stage", "date", "reasons"), history),
        {"kind": "h2", "text": _t("problem.why", lang)},
    ]
    if p.rank is not None and p.score is not None:
        blocks.append({"kind": "p", "text": _t("problem.why_text", lang, rank=p.rank, score=_n(p.score, lang, 3))})
        why = [
            [
                _cell(_criterion(w.criterion, lang)),
                _cell(_n(w.weight, lang, 3), num=True),
                _cell(_n(w.contribution, lang, 3), num=True),
            ]
            for w in p.why
        ]
        blocks.append(_table(_t("problem.why", lang), _columns(lang, "criterion", "weight", "contribution"), why))
    else:
        blocks.append({"kind": "p", "text": _t("problem.not_ranked", lang)})
    blocks += [
        {"kind": "h2", "text": _t("columns.evidence", lang)},
        {"kind": "p", "text": _t("problem.evidence_text", lang, count=p.evidence)},
        _counts(site, "source", p.by_source, lang, _t("evidence.by_source", lang), "source"),
        _counts(site, "stakeholder_group", p.by_group, lang, _t("evidence.by_group", lang), "group"),
        _table(
            _t("problem.decisions", lang),
            _columns(lang, "body", "outcome", "date", "votes", "reasons"),
            _own_decisions(site, p, lang),
        ),
    ]
    return _t("problem.heading", lang, id=p.id), blocks


def _own_decisions(site: Site, p: PublicProblem, lang: str) -> list[list[dict[str, Any]]]:
    return [
        [
            _cell(site.name("body", d.body, lang)),
            _cell(_t(f"outcome.{d.outcome}", lang)),
            _cell(site.date(d.at, lang)),
            _cell(" / ".join(_n(v, lang) for v in (d.approve, d.reject, d.abstain)), num=True),
            _cell(_joined(d.reasons, lang)),
        ]
        for d in p.decisions
    ]


def _criterion(code: str, lang: str) -> str:
    key = f"public.criterion.{code}"
    return label(key, lang) if key in catalog(lang) else code


def _cells_html(row: list[dict[str, Any]]) -> str:
    out = []
    for cell in row:
        text = escape(cell["text"])
        inner = f'<a href="{escape(cell["href"])}">{text}</a>' if cell.get("href") else text
        out.append(f'<td class="num">{inner}</td>' if cell.get("num") else f"<td>{inner}</td>")
    return "<tr>" + "".join(out) + "</tr>"


def _block_html(block: dict[str, Any], none: str) -> str:
    """One block of a page's main part, escaped (text is HTML-escaped; only our own markup is raw)."""
    kind = block["kind"]
    if kind in ("h2", "p"):
        return f"<{kind}>{escape(block['text'])}</{kind}>"
    if kind == "dl":
        return "<dl>" + "".join(f"<dt>{escape(t)}</dt><dd>{escape(v)}</dd>" for t, v in block["pairs"]) + "</dl>"
    if kind == "list":
        items = []
        for item in block["items"]:
            text = escape(item["text"])
            inner = f'<a href="{escape(item["href"])}">{text}</a>' if item.get("href") else text
            note = f' <span class="note">{escape(item["note"])}</span>' if item.get("note") else ""
            items.append(f"<li>{inner}{note}</li>")
        return "<ul>" + "".join(items) + "</ul>"
    if kind == "chart":
        bars = "".join(
            f'<rect x="{b["x"]}" y="{b["y"]}" width="{b["w"]}" height="{b["h"]}"></rect>' for b in block["bars"]
        )
        alt = escape(block["alt"])
        return (
            f'<figure><svg role="img" aria-labelledby="{block["id"]}" viewBox="0 0 {block["width"]} {block["height"]}" '
            f'width="100%" preserveAspectRatio="xMidYMax meet"><title id="{block["id"]}">{alt}</title>{bars}</svg>'
            f"<figcaption>{alt}</figcaption></figure>"
        )
    caption = escape(block["caption"])
    if not block["rows"]:
        return f'<h3>{caption}</h3><p class="none">{escape(none)}</p>'
    head = "".join(f'<th scope="col">{escape(c)}</th>' for c in block["columns"])
    body = "\n".join(_cells_html(row) for row in block["rows"])
    return (
        f'<div class="scroll" role="region" aria-label="{caption}" tabindex="0"><table><caption>{caption}</caption>'
        f"<thead><tr>{head}</tr></thead><tbody>\n{body}\n</tbody></table></div>"
    )


def _html(site: Site, path: str, lang: str, title: str, blocks: list[dict[str, Any]], current: str | None) -> str:
    depth = path.count("/")
    root = "../" * depth
    home = root + ("en/" if lang == "en" else "")
    inner = path[3:] if lang == "en" else path
    other_lang = "en" if lang == "fa" else "fa"
    other_href = root + ("en/" + inner if lang == "fa" else inner)
    return render(
        "public/page.html.j2",
        lang=lang,
        dir="rtl" if lang == "fa" else "ltr",
        title=title,
        site=_t("site", lang),
        plan=site.plan.name(lang),
        skip=_t("skip", lang),
        root=root,
        home=home,
        nav=[{"href": f"{p}.html", "text": _t(f"nav.{p}", lang), "current": p == current} for p in PAGES],
        language_link=_t("language_link", lang),
        other_lang=other_lang,
        other_href=other_href,
        main=Markup("\n".join(_block_html(block, _t("none", lang)) for block in blocks)),
        generated=_t("generated", lang, date=site.date(site.results.generated_at, lang)),
    )


def page(site: Site, path: str) -> str | None:
    """The page at ``path`` (relative to the site's root), or None when there is none."""
    lang, inner = ("en", path[3:]) if path.startswith("en/") else ("fa", path)
    if inner.startswith("problems/") and inner.endswith(".html"):
        number = inner[len("problems/") : -len(".html")]
        found = site.by_id.get(int(number)) if number.isdigit() else None
        if found is None:
            return None
        title, blocks = _problem_blocks(site, found, lang, "../")
        return _html(site, path, lang, title, blocks, None)
    name = inner.removesuffix(".html")
    if inner.endswith(".html") and name in PAGES:
        root = "../" * path.count("/")
        title, blocks = _page_blocks(site, name, lang, "", root)
        return _html(site, path, lang, title, blocks, name)
    return None


def paths(site: Site) -> Iterator[str]:
    """Every page's path."""
    for lang in LANGUAGES:
        prefix = "en/" if lang == "en" else ""
        for name in PAGES:
            yield f"{prefix}{name}.html"
        for p in site.results.problems:
            yield f"{prefix}problems/{p.id}.html"


def data_files(results: Results) -> Iterator[tuple[str, str]]:
    """The open data as files: ``data/<dataset>.json`` and ``.csv``."""
    import json

    for dataset in opendata.DATASETS:
        yield f"data/{dataset}.json", json.dumps(opendata.as_json(results, dataset), ensure_ascii=False, indent=1)
        yield f"data/{dataset}.csv", opendata.as_csv(results, dataset)


_FORKED: Site | None = None  # the site a forked writer renders (set only while writing)
PARALLEL_FROM = 500  # pages: fewer are written in this process


def _write(site: Site, out: Path, part: list[str]) -> int:
    for path in part:
        text = page(site, path)
        assert text is not None
        with open(out / path, "w", encoding="utf-8") as handle:
            handle.write(text)
    return len(part)


def _write_forked(job: tuple[Path, list[str]]) -> int:
    assert _FORKED is not None
    return _write(_FORKED, *job)


def write_site(site: Site, out: Path, *, workers: int | None = None) -> int:
    """Write every page, the style sheet and the open data under ``out``; how many files.

    Many pages are rendered by ``workers`` forked processes (default: one per core, at most 4), each
    writing its share, where the platform forks."""
    global _FORKED
    for folder in (out, out / "problems", out / "en" / "problems", out / "data"):
        folder.mkdir(parents=True, exist_ok=True)
    every = list(paths(site))
    workers = workers or min(os.cpu_count() or 1, 4)
    if workers > 1 and len(every) >= PARALLEL_FROM and "fork" in multiprocessing.get_all_start_methods():
        _FORKED = site
        try:
            with multiprocessing.get_context("fork").Pool(workers) as pool:
                count = sum(pool.map(_write_forked, [(out, every[i::workers]) for i in range(workers)]))
        finally:
            _FORKED = None
    else:
        count = _write(site, out, every)
    (out / "style.css").write_bytes(STYLE.read_bytes())
    for path, text in data_files(site.results):
        (out / path).write_text(text, encoding="utf-8")
        count += 1
    return count + 1
