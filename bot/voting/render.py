"""Agenda and item messages for members, in their language.

An item's ``explanation`` is a snapshot taken when the agenda opened: the prioritizer's
``Explanation.to_dict()`` (``title``, ``axis``, ``parts`` by criterion, ``evidence`` counts by
source, stakeholder group, working group and district) plus ``returned_reasons``.
"""

from __future__ import annotations

from html import escape
from typing import Any

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.keyboard import InlineKeyboardBuilder

from backend.jalali import format_datetime
from backend.models import Agenda, AgendaItem
from backend.plan import Plan
from bot.fitting import TEXT_MAX, fit
from bot.i18n import localize_number, t
from bot.meetings.render import snippet
from bot.voting.callbacks import VoteButton

CHOICES = ("approve", "reject", "abstain")


def _named(plan: Plan, kind: str, code: str | None, lang: str) -> str:
    found = plan.get(kind, code) if code else None
    return found.name(lang) if found is not None else (code or "—")  # type: ignore[union-attr]


def body_name(plan: Plan, code: str, lang: str) -> str:
    """An approval body's name in ``lang``."""
    return _named(plan, "body", code, lang)


def deadline_text(agenda: Agenda, lang: str) -> str:
    """The agenda's deadline as a Jalali date and Tehran time."""
    return format_datetime(agenda.deadline, lang)


def header(plan: Plan, agenda: Agenda, count: int, lang: str) -> str:
    """The first message of a push: which body, how many items, until when."""
    return t(
        "voting.header",
        lang,
        body=body_name(plan, agenda.body, lang),
        count=count,
        deadline=deadline_text(agenda, lang),
    )


def _criteria(explanation: dict[str, Any]) -> list[dict[str, Any]]:
    return sorted(explanation.get("parts", []), key=lambda c: -float(c.get("contribution", 0)))


def _evidence(explanation: dict[str, Any], dimension: str) -> list[tuple[str, int]]:
    """Evidence counts of one dimension, largest first, unknowns ("None") left out."""
    counts = explanation.get("evidence", {}).get(dimension, {})
    return sorted(((k, n) for k, n in counts.items() if k != "None"), key=lambda kv: -kv[1])


def item_text(plan: Plan, item: AgendaItem, lang: str) -> str:
    """One item: title, axis, working groups, rank, score with its two main reasons, evidence."""
    e = item.explanation
    why = "، ".join(t(f"voting.criteria.{c['criterion']}", lang) for c in _criteria(e)[:2]) or "—"
    evidence = (
        "، ".join(
            f"{_named(plan, 'source', code, lang)} {localize_number(n, lang)}" for code, n in _evidence(e, "source")
        )
        or "—"
    )
    groups = "، ".join(_named(plan, "working_group", w, lang) for w, _ in _evidence(e, "working_group")[:3]) or "—"
    text = t(
        "voting.item",
        lang,
        rank=item.rank,
        title=escape(e.get("title", "")),
        axis=_named(plan, "axis", e.get("axis"), lang),
        working_groups=escape(groups),
        score=localize_number(item.score, lang),
        why=why,
        evidence=escape(evidence),
    )
    if e.get("returned_reasons"):
        text += "\n" + t("voting.returned", lang, reasons=escape("؛ ".join(e["returned_reasons"])))
    return text


def item_message(plan: Plan, item: AgendaItem, lang: str) -> tuple[str, bool]:
    """The item's text fitted to a message, and whether it was shortened (its keyboard then has "more")."""
    text = item_text(plan, item, lang)
    fitted = fit(text, TEXT_MAX)
    return fitted, fitted != text


def item_keyboard(item_id: int, choice: str | None, lang: str, more: bool = False) -> InlineKeyboardMarkup:
    """Approve / Reject / Abstain (the current choice marked), then Comment and Why?, and "more" for a
    shortened item."""
    builder = InlineKeyboardBuilder()
    for action in CHOICES:
        label = t(f"voting.{action}", lang)
        builder.button(
            text=f"• {label} •" if action == choice else label, callback_data=VoteButton(i=item_id, a=action)
        )
    for action in ("comment", "why", "more")[: 3 if more else 2]:
        builder.button(text=t(f"voting.{action}", lang), callback_data=VoteButton(i=item_id, a=action))
    builder.adjust(3, 2, 1)
    return builder.as_markup()


def item_heading(item: AgendaItem, lang: str) -> str:
    """The item's rank and the start of its title, for prompts and confirmations."""
    return t("voting.heading", lang, rank=item.rank, title=snippet(item.explanation.get("title", "")))


def explanation_text(plan: Plan, item: AgendaItem, lang: str) -> str:
    """The full breakdown behind an item's score, criterion by criterion, and its evidence."""
    e = item.explanation
    lines = [t("voting.explain_title", lang, rank=item.rank, title=escape(e.get("title", "")))]
    for c in _criteria(e):
        lines.append(
            t(
                "voting.explain_line",
                lang,
                criterion=t(f"voting.criteria.{c['criterion']}", lang),
                raw=localize_number(float(c["raw"] or 0), lang),
                normalized=localize_number(float(c["normalized"]), lang),
                weight=localize_number(float(c["weight"]), lang),
                contribution=localize_number(float(c["contribution"]), lang),
            )
        )
    groups = "، ".join(
        f"{_named(plan, 'stakeholder_group', g, lang)} {localize_number(n, lang)}"
        for g, n in _evidence(e, "stakeholder_group")
    )
    if groups:
        lines.append(escape(groups))
    return "\n".join(lines)
