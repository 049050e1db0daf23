"""Meeting texts and keyboards: the meeting's description, finding prompts, the close summary."""

from __future__ import annotations

from html import escape

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.keyboard import InlineKeyboardBuilder

from backend.jalali import format_date
from backend.meetings.service import SEVERITIES, Summary
from backend.models import Finding, Meeting
from backend.plan import Plan
from bot.i18n import t
from bot.meetings.callbacks import CloseMeeting, FindingAxis, FindingParent, FindingSeverity

SNIPPET = 60


def names(plan: Plan, kind: str, codes: list[str], lang: str) -> str:
    """The names of plan items (axes, districts, groups...) joined for reading; a dash if none."""
    found = [item.name(lang) for code in codes if (item := plan.get(kind, code)) is not None]
    return t("meetings.separator", lang).join(found) or t("meetings.none", lang)


def shortened(text: str | None) -> str:
    """The start of a text on one line, as plain text (for a button label)."""
    text = " ".join((text or "").split())
    return text if len(text) <= SNIPPET else text[: SNIPPET - 1] + "…"


def snippet(text: str | None) -> str:
    """The start of a text, escaped, for an HTML confirmation."""
    return escape(shortened(text))


def describe(plan: Plan, meeting: Meeting, lang: str) -> str:
    """Every field of the meeting, one per line."""
    district = names(plan, "district", [meeting.district], lang) if meeting.district else t("meetings.citywide", lang)
    return t(
        "meetings.details",
        lang,
        source=names(plan, "source", [meeting.source], lang),
        working_group=names(plan, "working_group", [meeting.working_group], lang),
        axes=names(plan, "axis", meeting.axes, lang),
        date=format_date(meeting.held_on, lang),
        district=district,
        groups=names(plan, "stakeholder_group", meeting.stakeholder_groups, lang),
        attendees=meeting.attendees if meeting.attendees is not None else t("meetings.none", lang),
        organizations=escape(meeting.organizations or t("meetings.none", lang)),
    )


def axis_keyboard(plan: Plan, finding: Finding, lang: str) -> InlineKeyboardMarkup:
    """One button per axis of the plan, the finding's current one ticked."""
    builder = InlineKeyboardBuilder()
    for i, axis in enumerate(plan.axes):
        mark = "✓ " if axis.code == finding.axis else ""
        builder.button(text=mark + axis.name(lang), callback_data=FindingAxis(f=finding.id, i=i))
    builder.adjust(2)
    return builder.as_markup()


def severity_keyboard(finding: Finding, lang: str) -> InlineKeyboardMarkup:
    """Severity 1 (minor) to 5 (critical)."""
    builder = InlineKeyboardBuilder()
    for value in SEVERITIES:
        builder.button(
            text=t("meetings.severity_button", lang, value=value), callback_data=FindingSeverity(f=finding.id, v=value)
        )
    builder.adjust(5)
    return builder.as_markup()


def parent_keyboard(finding: Finding, problems: list[Finding], lang: str) -> InlineKeyboardMarkup | None:
    """Buttons to link the finding to another problem of the meeting; None if there is no other."""
    if len(problems) < 2:
        return None
    builder = InlineKeyboardBuilder()
    for number, problem in enumerate(problems, start=1):
        mark = "✓ " if problem.id == finding.parent_id else ""
        label = t("meetings.problem_button", lang, number=number, text=shortened(problem.text))
        builder.button(text=mark + label, callback_data=FindingParent(f=finding.id, p=problem.id))
    builder.adjust(1)
    return builder.as_markup()


def of_kind(meeting: Meeting, key: str) -> str:
    """The locale key ``key`` for the meeting's kind: under ``forums.`` for a forum, else ``meetings.``."""
    return f"{'forums' if meeting.kind == 'forum' else 'meetings'}.{key}"


def summary_message(plan: Plan, meeting: Meeting, summary: Summary, lang: str) -> tuple[str, InlineKeyboardMarkup]:
    """What /close shows before it closes: the counts, with confirm and continue buttons."""
    counts = t(
        of_kind(meeting, "summary"),
        lang,
        number=meeting.id,
        details=describe(plan, meeting, lang),
        notes=sum(summary.notes.values()),
        text=summary.notes.get("text", 0),
        voice=summary.notes.get("voice", 0),
        photo=summary.notes.get("photo", 0),
        document=summary.notes.get("document", 0),
        problems=summary.findings.get("problem", 0),
        strategies=summary.findings.get("strategy", 0),
        policies=summary.findings.get("policy", 0),
        projects=summary.findings.get("project", 0),
    )
    builder = InlineKeyboardBuilder()
    builder.button(text=t("meetings.close_confirm", lang), callback_data=CloseMeeting(m=meeting.id, ok=True))
    builder.button(text=t("meetings.close_continue", lang), callback_data=CloseMeeting(m=meeting.id, ok=False))
    return counts, builder.as_markup()
