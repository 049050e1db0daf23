"""Surveys: upload an XLSForm or YAML file, preview it as the chat a citizen sees, open and close it with
Jalali dates, its funnel and results, the pseudonymized export, and its deep link with a QR code."""

from __future__ import annotations

import asyncio
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import Response

from backend.console import surveys
from backend.console.staff import Staff
from backend.context import AppContext
from backend.digest.build import SurveySection
from backend.errors import Refused
from backend.jalali import parse_date
from backend.surveys.model import OWN_CHOICE_TYPES, Question, QuestionType, localize
from console import texts
from console.auth import Admin, Context, Lang
from console.files import CSV, XLSX, download
from console.qr import KINDS, qr_code
from console.render import NavItem, page, redirect
from console.shared import shared, time_bucket
from reports.digest.tables import answer_label

if TYPE_CHECKING:
    import pandas as pd

router = APIRouter()
NAV = [NavItem("nav.surveys", "/surveys", lambda staff: staff.is_admin)]
RTL_LANGUAGES = ("fa", "ar", "ckb", "ur")
FUNNEL_SECONDS = 10  # answers to unfinished responses move the funnel without changing the response counts


def _language_name(lang: str) -> Callable[[str], str]:
    """Names survey languages in the reader's language (a code the console cannot name stays a code)."""
    return lambda code: texts.catalog(lang).get(f"surveys.languages.{code}", code)


async def _listing(request: Request, app: AppContext, staff: Staff, status: int = 200, **shown: object) -> Response:
    values: dict[str, object] = {"errors": [], "problem": "", "name": "", **shown}
    return page(request, "surveys.html", status=status, summaries=await surveys.listing(app, staff), **values)


@router.get("/surveys")
async def surveys_page(request: Request, app: Context, staff: Admin) -> Response:
    """Every survey with its responses, and the upload form."""
    return await _listing(request, app, staff)


@router.post("/surveys/upload")
async def upload(
    request: Request, app: Context, staff: Admin, lang: Lang, survey_file: Annotated[UploadFile, File()]
) -> Response:
    """Register an uploaded file; a file with errors is listed back by sheet, row and reason."""
    name = survey_file.filename or ""
    content = await survey_file.read(surveys.MAX_UPLOAD_BYTES + 1)
    try:
        registration = await surveys.upload(app, staff, name, content)
    except surveys.UploadRefused as refused:
        return await _listing(request, app, staff, status=400, errors=refused.errors, name=name)
    except Refused as refused:  # not a survey file at all: say what is expected
        problem = texts.refusal(refused.key, lang, refused.params)
        return await _listing(request, app, staff, status=400, problem=problem, name=name)
    return redirect(f"/surveys/{registration.survey.code}?done={registration.outcome}")


@dataclass(frozen=True)
class Bar:
    """One bar of a chart: its label, count and length (0-100, of the largest)."""

    label: str
    count: int
    share: float
    length: float


def _bars(pairs: list[tuple[str, int]]) -> list[Bar]:
    largest, total = max((n for _, n in pairs), default=0) or 1, sum(n for _, n in pairs) or 1
    return [Bar(label, n, n / total, 100 * n / largest) for label, n in pairs]


def _results(section: SurveySection, app: AppContext, lang: str) -> list[tuple[str, list[Bar]]]:
    """Each counted question's label and its answers as bars, in survey order."""
    values = section.results.values
    charts = []
    for question in dict.fromkeys(values.question):
        rows = values[values.question == question]
        pairs = [
            (answer_label(section, app.plan, question, v, lang), int(n))
            for v, n in zip(rows.value, rows["count"], strict=True)
        ]
        charts.append((localize(section.definition.question(question).label, lang) or question, _bars(pairs)))
    return charts


@router.get("/surveys/{code}")
async def survey_page(request: Request, app: Context, staff: Admin, lang: Lang, code: str, done: str = "") -> Response:
    """A survey: link and QR code, versions, dates, the funnel, each question's results, the export. The
    results are computed again only when the survey's response counts move (shared by every reader)."""
    found = await surveys.survey_page(app, staff, code)
    figures, counts = shared(request), (found.versions[-1].id, tuple(sorted(found.responses.items())))
    funnel = await figures.get(
        ("funnel", code), (counts, time_bucket(FUNNEL_SECONDS)), lambda: surveys.funnel(app, staff, code)
    )
    section = await figures.get(("results", code), counts, lambda: surveys.results(app, staff, code))
    labels = {q.name: localize(q.label, lang) or q.name for q in found.definition.questions}
    steps = _bars([(labels.get(s.question, s.question), s.reached) for s in funnel.steps])
    return page(
        request,
        "survey.html",
        found=found,
        title=localize(found.survey.title, lang),
        link=surveys.survey_link(app, code),
        funnel=funnel,
        steps=list(zip(funnel.steps, steps, strict=True)),
        charts=_results(section, app, lang),
        language_name=_language_name(lang),
        done=done if done in ("created", "new_version", "updated", "unchanged") else "",
    )


def _choices(app: AppContext, question: Question, lang: str) -> list[str]:
    """What a question's buttons say in ``lang``."""
    if question.type in OWN_CHOICE_TYPES:
        return [localize(c.label, lang) for c in question.choices]
    if question.choice_source is not None:
        return [localize(c.label, lang) for c in app.choice_sources.get(question.choice_source, ())]
    if question.type is QuestionType.RANGE:
        return [str(v) for v in question.range_values()]
    return []


@router.get("/surveys/{code}/preview")
async def preview(request: Request, app: Context, staff: Admin, lang: Lang, code: str, language: str = "") -> Response:
    """The survey as the chat a citizen sees, in one of its languages."""
    found = await surveys.survey_page(app, staff, code)
    definition = found.definition
    shown = language if language in definition.languages else definition.default_language
    asked = [q for q in definition.questions if q.type not in (QuestionType.CALCULATE, QuestionType.METADATA)]
    return page(
        request,
        "survey_preview.html",
        found=found,
        title=localize(found.survey.title, lang),
        shown=shown,
        shown_dir="rtl" if shown in RTL_LANGUAGES else "ltr",
        language_name=_language_name(lang),
        chat_title=localize(definition.title, shown),
        description=localize(definition.description, shown) if definition.description else "",
        messages=[(q, localize(q.label, shown), localize(q.hint, shown), _choices(app, q, shown)) for q in asked],
    )


def _date(text: str) -> date | None:
    """A Jalali or ISO date in any digits; blank is none; anything else is refused with what is expected."""
    if not text.strip():
        return None
    parsed = parse_date(text)
    if parsed is None:
        raise Refused("surveys.schedule.date", text=text)
    return parsed


@router.post("/surveys/{code}/schedule")
async def schedule(
    app: Context,
    staff: Admin,
    code: str,
    action: Annotated[Literal["open", "close"], Form()],
    opens_on: Annotated[str, Form()] = "",
    closes_on: Annotated[str, Form()] = "",
) -> Response:
    """Open (with optional first and last days) or close a survey; audited."""
    is_open = action == "open"
    await surveys.schedule(
        app,
        staff,
        code,
        is_open=is_open,
        opens_on=_date(opens_on) if is_open else None,
        closes_on=_date(closes_on) if is_open else None,
    )
    return redirect(f"/surveys/{code}")


@router.get("/surveys/{code}/qr.{kind}")
async def qr(app: Context, staff: Admin, code: str, kind: Literal["png", "svg"], save: bool = False) -> Response:
    """The QR code of the survey's deep link: shown on the page, or (``save``) downloaded for posters."""
    await surveys.survey_page(app, staff, code)  # an unknown survey is refused
    image = qr_code(surveys.survey_link(app, code), kind)
    return download(image, f"survey-{code}.{kind}", KINDS[kind]) if save else Response(image, media_type=KINDS[kind])


def _write(tables: dict[str, pd.DataFrame], kind: str) -> bytes:
    """The export file's bytes: the responses table as CSV, or every table as an XLSX sheet."""
    from reports.tables import write_table, write_tables

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"export.{kind}"
        if kind == "xlsx":
            write_tables(tables, path)
        else:
            write_table(tables["responses"], path, fmt="csv")
        return path.read_bytes()


@router.get("/surveys/{code}/export.{kind}")
async def export(
    app: Context, staff: Admin, code: str, kind: Literal["csv", "xlsx"], unfinished: bool = False
) -> Response:
    """The responses, pseudonymized: CSV (the responses table) or XLSX (a sheet per repeat too); audited."""
    tables = await surveys.export(app, staff, code, include_unfinished=unfinished)
    content = await asyncio.to_thread(_write, tables, kind)
    return download(content, f"responses-{code}.{kind}", CSV if kind == "csv" else XLSX)
