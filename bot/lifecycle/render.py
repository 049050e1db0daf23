"""The texts of /mine and of the weekly news: one block per item, with its stage and public page."""

from __future__ import annotations

import html
from collections.abc import Sequence

from backend.context import AppContext
from backend.jalali import to_local
from backend.lifecycle import stages
from backend.lifecycle.mine import Contribution
from bot.i18n import t

SNIPPET = 80  # characters of the person's own words shown for an item


def _snippet(text: str) -> str:
    text = " ".join(text.split())
    return html.escape(text if len(text) <= SNIPPET else text[: SNIPPET - 1] + "…")


def stage_text(app: AppContext, stage: stages.Stage, lang: str) -> str:
    """The stage in words: the body's name, the rank, the percent, and a rejection's reason or a note."""
    body = next((b.name(lang) for b in app.plan.bodies if b.code == stage.body), stage.body or "")
    text = t(f"lifecycle.stage.{stage.stage}", lang, body=body, rank=stage.rank or 0, percent=stage.percent or 0)
    if stage.detail and stage.stage == "rejected":
        text += " — " + t("lifecycle.reason", lang, reason=html.escape(stage.detail))
    elif stage.detail:
        text += " — " + t("lifecycle.note", lang, note=html.escape(stage.detail))
    return text


def page_url(app: AppContext, item: Contribution) -> str | None:
    """The item's public page (problems have one, at a stable address)."""
    if item.subject != stages.PROBLEM or item.subject_id is None:
        return None
    return f"{app.settings.public_url.rstrip('/')}/problems/{item.subject_id}.html"


def item_text(app: AppContext, item: Contribution, lang: str) -> str:
    """One item: what kind, the person's own words, where it stands since when, its public page."""
    at = item.stage.at or item.received_at
    text = t(
        "lifecycle.item",
        lang,
        kind=t(f"lifecycle.kind.{item.kind}", lang),
        text=_snippet(item.text),
        stage=stage_text(app, item.stage, lang),
        date=to_local(at, app.zone).date(),
    )
    url = page_url(app, item)
    return text + ("\n" + t("lifecycle.link", lang, url=html.escape(url)) if url else "")


def news(app: AppContext, lang: str, items: Sequence[Contribution], more: int) -> str:
    """The weekly message: the items that moved, how many more, and how to stop it."""
    parts = [t("lifecycle.news_title", lang), *(item_text(app, item, lang) for item in items)]
    if more:
        parts.append(t("lifecycle.news_more", lang, count=more))
    parts.append(t("lifecycle.news_footer", lang))
    return "\n\n".join(parts)


def mine(app: AppContext, lang: str, items: Sequence[Contribution], shown: int) -> str:
    """/mine: the newest ``shown`` items and how many older ones there are."""
    if not items:
        return t("lifecycle.mine_empty", lang)
    parts = [t("lifecycle.mine_title", lang, count=len(items)), *(item_text(app, i, lang) for i in items[:shown])]
    if len(items) > shown:
        parts.append(t("lifecycle.mine_more", lang, count=len(items) - shown))
    return "\n\n".join(parts)
