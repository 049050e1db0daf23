"""The digest's tables in one language: plan codes named, columns titled, numbers kept numbers.
The workbook writes them as sheets; the HTML page shows them."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from backend.digest.build import Digest, SurveySection
from backend.digest.participation import FINDING_DIMENSIONS
from backend.locales import localize_digits
from backend.plan import Plan
from backend.surveys.model import localize
from reports.labels import label

SHEET_NAME_LIMIT = 31  # Excel's limit


@dataclass(frozen=True)
class Table:
    """One titled table: ``sheet`` names its workbook sheet, ``frame`` holds its localized columns."""

    key: str
    title: str
    sheet: str
    frame: pd.DataFrame


def name_of(plan: Plan, kind: str, code: object, lang: str) -> str:
    """The plan's name for a code of ``kind``; a missing code is "unspecified"."""
    if code is None or (isinstance(code, float) and pd.isna(code)):
        return label("digest.unknown", lang)
    if kind == "kind":
        return label(f"digest.kinds.{code}", lang)
    found = plan.get(kind, str(code))
    return found.name(lang) if found is not None else str(code)


def column(key: str, lang: str) -> str:
    """A column title."""
    return label(f"digest.columns.{key}", lang)


def _compared(table: pd.DataFrame, first: str, names: list[str], lang: str) -> pd.DataFrame:
    frame = table.reset_index(drop=True).rename(columns={c: column(c, lang) for c in table.columns})
    frame.insert(0, first, names)
    return frame


def _totals(digest: Digest, lang: str) -> pd.DataFrame:
    totals = digest.participation.totals
    return _compared(totals, column("item", lang), [label(f"digest.totals.{k}", lang) for k in totals.index], lang)


def _by(digest: Digest, table: pd.DataFrame, kind: str, lang: str) -> pd.DataFrame:
    return _compared(table, column(kind, lang), [name_of(digest.plan, kind, k, lang) for k in table.index], lang)


def _coverage(digest: Digest, lang: str) -> pd.DataFrame:
    plan, matrix = digest.plan, digest.coverage
    frame = matrix.reset_index(drop=True).rename(columns={s.code: s.name(lang) for s in plan.sources})
    frame = frame.rename(columns={"used": column("used", lang), "gaps": column("gaps", lang)})
    separator = label("digest.separator", lang)
    frame[column("gaps", lang)] = [
        separator.join(name_of(plan, "source", code, lang) for code in gaps.split(", ") if code) for gaps in matrix.gaps
    ]
    frame.insert(0, column("working_group", lang), [name_of(plan, "working_group", c, lang) for c in matrix.index])
    return frame


def _top(digest: Digest, lang: str) -> pd.DataFrame:
    top = digest.top
    return pd.DataFrame(
        {
            column("rank", lang): top["rank"].astype("int64"),
            column("title", lang): top.title,
            column("axis", lang): [name_of(digest.plan, "axis", a, lang) for a in top.axis],
            column("mentions", lang): top.mentions.astype("int64"),
            column("score", lang): top.score.round(4),
            column("previous_rank", lang): top.previous_rank,
            column("move", lang): [label(f"digest.moves.{m}", lang) for m in top.move],
            column("stability", lang): top.stability.round(3),
        }
    ).reset_index(drop=True)


def _citizens(digest: Digest, lang: str) -> pd.DataFrame:
    table, separator = digest.citizens, label("digest.separator", lang)
    return pd.DataFrame(
        {
            column("district", lang): [
                name_of(digest.plan, "district", d, lang) if d else label("digest.whole_city", lang)
                for d in table.district
            ],
            column("axis", lang): [name_of(digest.plan, "axis", a, lang) for a in table.axis],
            column("problems", lang): table.problems.astype("int64"),
            column("answers", lang): table.answers.astype("int64"),
            column("citizens_top", lang): [separator.join(titles) for titles in table.citizens_top],
            column("committee_top", lang): [separator.join(titles) for titles in table.committee_top],
            column("tau", lang): table.tau.astype("float64").round(3),
        }
    )


def _approvals(digest: Digest, lang: str) -> pd.DataFrame:
    table = digest.approvals
    frame = table.reset_index(drop=True).rename(columns={c: column(c, lang) for c in table.columns})
    frame.insert(0, column("body", lang), [name_of(digest.plan, "body", b, lang) for b in table.index])
    return frame


def answer_label(section: SurveySection, plan: Plan, question: str, value: object, lang: str) -> str:
    """An answer value as people read it: the choice's label, a plan name, or the value itself."""
    asked = section.definition.question(question)
    for choice in asked.choices:
        if choice.name == value:
            return localize(choice.label, lang)
    source = asked.choice_source
    if source is not None and isinstance(value, str):
        return name_of(plan, source, value, lang)
    return localize_digits(value, lang)


def survey_frame(section: SurveySection, plan: Plan, lang: str) -> pd.DataFrame:
    """A survey's answer counts, one row per question and answer, in survey order."""
    values = section.results.values
    pairs = zip(values.question, values.value, strict=True)
    return pd.DataFrame(
        {
            column("question", lang): [localize(section.definition.question(q).label, lang) for q in values.question],
            column("value", lang): [answer_label(section, plan, q, v, lang) for q, v in pairs],
            column("count", lang): values["count"].astype("int64"),
            column("share", lang): values.share.astype("float64").round(4),
            column("mean_position", lang): values.mean_position.astype("float64").round(3),
        }
    )


def digest_tables(digest: Digest, lang: str) -> list[Table]:
    """Every table of the digest, in reading order, titled in ``lang``."""
    participation = digest.participation
    tables = [
        Table(
            "totals",
            label("digest.sections.key_figures", lang),
            label("digest.sheets.totals", lang),
            _totals(digest, lang),
        ),
        Table(
            "meetings",
            label("digest.sections.meetings", lang),
            label("digest.sheets.meetings", lang),
            _by(digest, participation.meetings, "source", lang),
        ),
        *[
            Table(
                d,
                label(f"digest.by.{d}", lang),
                label(f"digest.sheets.{d}", lang),
                _by(digest, participation.findings[d], d, lang),
            )
            for d in FINDING_DIMENSIONS
        ],
        Table(
            "coverage",
            label("digest.sections.coverage", lang),
            label("digest.sheets.coverage", lang),
            _coverage(digest, lang),
        ),
        Table("top", label("digest.sections.top", lang), label("digest.sheets.top", lang), _top(digest, lang)),
        Table(
            "citizens",
            label("digest.sections.citizens", lang),
            label("digest.sheets.citizens", lang),
            _citizens(digest, lang),
        ),
        Table(
            "approvals",
            label("digest.sections.approvals", lang),
            label("digest.sheets.approvals", lang),
            _approvals(digest, lang),
        ),
    ]
    for number, section in enumerate(digest.surveys, start=1):
        sheet = label("digest.sheets.survey", lang, number=number)
        tables.append(
            Table(
                f"survey.{section.survey.code}",
                localize(section.survey.title, lang),
                sheet,
                survey_frame(section, digest.plan, lang),
            )
        )
    return tables
