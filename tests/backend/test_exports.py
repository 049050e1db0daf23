"""Exports of responses and findings, built with the real services, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import subprocess
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import yaml
from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.engine import URL
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from backend import migrate
from backend.db import create_engine, session_factory, transaction
from backend.errors import MeydanError
from backend.exports import findings_frame, responses_frame
from backend.integration import problems
from backend.jalali import TEHRAN
from backend.models import (
    Answer,
    Finding,
    ImportBatch,
    ImportRow,
    Meeting,
    Note,
    Participant,
    ProblemFinding,
    Response,
    utcnow,
)
from backend.participants import service as participants
from backend.services import findings, responses, surveys
from backend.surveys import BUNDLED_DIR
from backend.surveys.model import SurveyDefinition
from backend.surveys.yamlformat import load_yaml_survey
from reports.tables import write_table
from tests.cli import meydan
from tests.conftest import Stack

SECRET = b"export-test-secret"
TELEGRAM_ID = 987654321012
SKIP = object()

SMALL_V1 = """
code: small
title: {fa: نظرسنجی کوچک, en: Small survey}
languages: [fa, en]
allow_multiple_responses: true
questions:
  - {name: welcome, type: note, label: {fa: خوش آمدید}}
  - name: modes
    type: select_multiple
    label: {fa: با چه وسایلی جابه‌جا می‌شوید؟}
    choices:
      - {name: bus, label: {fa: اتوبوس}}
      - {name: metro, label: {fa: مترو}}
      - {name: taxi, label: {fa: تاکسی}}
      - {name: walk, label: {fa: پیاده}}
  - name: order
    type: rank
    rank_count: 2
    label: {fa: دو اولویت نخست}
    choices:
      - {name: parks, label: {fa: پارک}}
      - {name: roads, label: {fa: راه}}
      - {name: water, label: {fa: آب}}
  - {name: spend, type: decimal, label: {fa: هزینه}}
  - {name: visits, type: integer, label: {fa: دفعات}}
  - {name: moved_on, type: date, label: {fa: تاریخ}}
  - {name: comment, type: text, label: {fa: نظر}}
  - {name: agree, type: acknowledge, label: {fa: تأیید}}
  - {name: old_question, type: text, label: {fa: پرسش قدیمی}}
"""
BASE_COLUMNS = [
    "response",
    "participant",
    "survey_version",
    "status",
    "language",
    "district",
    "stakeholder_group",
    "started_at",
    "completed_at",
    "started_jalali",
    "completed_jalali",
]
SMALL_COLUMNS = BASE_COLUMNS + [
    "modes__bus",
    "modes__metro",
    "modes__bike",
    "modes__taxi",
    "modes__walk",
    "order__parks",
    "order__roads",
    "order__water",
    "visits",
    "spend",
    "moved_on",
    "comment",
    "rating",
    "old_question",
]
PROBLEM_TEXT = "ترافیک سنگین در بلوار وکیل‌آباد هر روز صبح"


def small_v2() -> SurveyDefinition:
    """Version 2 of the small survey: bike added to and walk gone from modes, the two numbers
    swapped, old_question replaced by rating."""
    raw = yaml.safe_load(SMALL_V1)
    welcome, modes, order, spend, visits, moved_on, comment, agree, _old = raw["questions"]
    modes["choices"] = [*modes["choices"][:2], {"name": "bike", "label": {"fa": "دوچرخه"}}, modes["choices"][2]]
    rating = {"name": "rating", "type": "integer", "label": {"fa": "امتیاز"}}
    raw["questions"] = [welcome, modes, order, visits, spend, moved_on, comment, agree, rating]
    return SurveyDefinition.model_validate(raw)


@dataclass
class Built:
    """What ``build`` made: pseudonyms and ids the assertions need."""

    pseudonym_a: str
    pseudonym_b: str
    small: list[int]
    citizen: int
    problem_answer: int
    meeting: int
    note: int
    batch: int
    first_finding: int


async def _answer(
    session: AsyncSession,
    participant: Participant,
    registration: surveys.Registration,
    values: dict[str, Any],
    *,
    finish: bool = True,
) -> Response:
    """Answer a survey version through the response service, optionally completing it."""
    response = await responses.start(
        session, participant, registration.survey, registration.version, participant.language
    )
    assert response is not None
    definition = SurveyDefinition.model_validate(registration.version.definition)
    for name, value in values.items():
        question = definition.question(name)
        if value is SKIP:
            await responses.record_skip(session, response, question)
        else:
            await responses.record(session, response, question, value, value if isinstance(value, str) else None)
    await session.flush()
    if finish:
        progress = await responses.progress(session, responses.DefinitionCache(), response)
        await responses.complete(session, progress, participant)
    return response


def _at(hour: int, minute: int) -> datetime:
    return datetime(2024, 3, 20, hour, minute, tzinfo=UTC)


async def build(session: AsyncSession) -> Built:
    """Two surveys (the bundled citizen survey and a two-version small one), three participants,
    their responses, and findings from an answer, a meeting note, an import row and by hand."""
    citizen = await surveys.register(session, surveys.load_definition(BUNDLED_DIR / "mashhad_citizen.yaml"))
    v1 = await surveys.register(session, load_yaml_survey(SMALL_V1))
    a = await participants.join(session, SECRET, TELEGRAM_ID, "fa")
    b = await participants.join(session, SECRET, TELEGRAM_ID + 1, "en")
    c = await participants.join(session, SECRET, TELEGRAM_ID + 2, "fa")
    await participants.set_profile(session, a, district="d05")

    r1 = await _answer(
        session,
        a,
        v1,
        {
            "welcome": SKIP,
            "modes": ["bus", "taxi"],
            "order": ["water", "parks"],
            "spend": Decimal("12.5"),
            "visits": -5,
            "moved_on": date(2024, 3, 21),
            "comment": '=HYPERLINK("x")',
            "agree": "OK",
            "old_question": "-2+3",
        },
    )
    r1.started_at, r1.completed_at = _at(20, 0), _at(20, 45)
    v2 = await surveys.register(session, small_v2())
    assert v2.outcome == "new_version"
    r2 = await _answer(
        session,
        b,
        v2,
        {
            "modes": SKIP,
            "order": ["roads", "parks"],
            "visits": 0,
            "spend": Decimal("3"),
            "moved_on": SKIP,
            "comment": "+1+1",
            "rating": 4,
        },
    )
    r3 = await _answer(session, c, v2, {"modes": [], "comment": "@SUM(A1)"}, finish=False)

    r4 = await _answer(
        session,
        a,
        citizen,
        {
            "intro": SKIP,
            "district": "d05",
            "age_band": "age_30_44",
            "axes_priority": [
                "transport",
                "economy",
                "governance",
                "social_cultural",
                "urban_development",
                "services_safety",
            ],
            "rate_governance": 4,
            "rate_economy": SKIP,
            "neighbourhood_problem": {"text": PROBLEM_TEXT, "axis": "transport"},
            "suggestion": SKIP,
        },
    )
    problem_answer = await session.scalar(
        select(Answer.id).where(Answer.response_id == r4.id, Answer.question == "neighbourhood_problem")
    )
    first = await session.scalar(select(Finding.id).where(Finding.answer_id == problem_answer))
    assert problem_answer is not None and first is not None

    meeting = Meeting(
        source="civil_society_forum",
        working_group="hq.transport",
        axes=["transport"],
        held_on=date(2024, 3, 21),
        district="d05",
        facilitator_id=b.id,
    )
    session.add(meeting)
    await session.flush()
    note = Note(meeting_id=meeting.id, participant_id=b.id, kind="text", text="یادداشت", logged_at=utcnow())
    batch = ImportBatch(kind="137", file_name="137.csv", file_sha256="0" * 64, row_count=45)
    session.add_all([note, batch])
    await session.flush()
    row = ImportRow(batch_id=batch.id, row_number=45, fingerprint="f" * 64, data={"متن": "آب"})
    session.add(row)
    await session.flush()

    await findings.record_finding(
        session,
        kind="strategy",
        text='=HYPERLINK("x")',
        source="civil_society_forum",
        working_group="hq.transport",
        axis="transport",
        severity=3,
        meeting_id=meeting.id,
        note_id=note.id,
        participant_id=b.id,
    )
    await findings.record_finding(
        session, kind="problem", text="قطعی آب در تابستان", source="citizen_poll", import_row_id=row.id
    )
    await findings.record_finding(session, kind="problem", text="ترافیک بلوار", source="citizen_poll", parent_id=first)
    deleted = await findings.record_finding(session, kind="project", text="حذف شده", source="elite_interview")
    deleted.deleted_at = utcnow()
    return Built(
        a.pseudonym, b.pseudonym, [r1.id, r2.id, r3.id], r4.id, problem_answer, meeting.id, note.id, batch.id, first
    )


@pytest.fixture
async def sessions(stack: Stack) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """Sessions on a migrated database of the stack."""
    engine = create_engine(stack.database_url)
    await migrate.upgrade(engine)
    yield session_factory(engine)
    await engine.dispose()


@pytest.fixture
async def built(sessions: async_sessionmaker[AsyncSession]) -> Built:
    async with transaction(sessions) as session:
        return await build(session)


async def _frame(sessions: async_sessionmaker[AsyncSession], code: str, **options: Any) -> pd.DataFrame:
    async with transaction(sessions) as session:
        return await responses_frame(session, code, zone=TEHRAN, **options)


async def test_small_survey_columns_and_values(sessions: async_sessionmaker[AsyncSession], built: Built) -> None:
    frame = await _frame(sessions, "small")
    assert list(frame.columns) == SMALL_COLUMNS
    assert frame["response"].tolist() == built.small[:2]
    assert frame["participant"].tolist() == [built.pseudonym_a, built.pseudonym_b]
    assert frame["survey_version"].tolist() == [1, 2]
    assert frame["status"].tolist() == ["completed", "completed"]
    assert frame["language"].tolist() == ["fa", "en"]
    assert frame["district"].tolist()[0] == "d05" and pd.isna(frame["district"][1])
    assert frame["stakeholder_group"].tolist() == ["citizens", "citizens"]
    first, second = (frame.iloc[i].to_dict() for i in range(2))
    assert {k: first[k] for k in SMALL_COLUMNS[7:11]} == {
        "started_at": "2024-03-20T20:00:00Z",
        "completed_at": "2024-03-20T20:45:00Z",
        "started_jalali": "1403/01/01 23:30",
        "completed_jalali": "1403/01/02 00:15",
    }
    assert [first[f"modes__{c}"] for c in ("bus", "metro", "bike", "taxi", "walk")] == [1, 0, 0, 1, 0]
    assert all(pd.isna(second[f"modes__{c}"]) for c in ("bus", "metro", "bike", "taxi", "walk"))
    assert first["order__water"] == 1 and first["order__parks"] == 2 and pd.isna(first["order__roads"])
    assert second["order__roads"] == 1 and second["order__parks"] == 2 and pd.isna(second["order__water"])
    assert frame["visits"].dtype == "Int64" and frame["visits"].tolist() == [-5, 0]
    assert frame["spend"].dtype == "Float64" and frame["spend"].tolist() == [12.5, 3.0]
    assert first["moved_on"] == "2024-03-21" and pd.isna(second["moved_on"])
    assert frame["comment"].tolist() == ['=HYPERLINK("x")', "+1+1"]
    assert pd.isna(first["rating"]) and second["rating"] == 4
    assert first["old_question"] == "-2+3" and pd.isna(second["old_question"])
    for column in SMALL_COLUMNS[11:19]:
        assert frame[column].dtype == "Int64", column


async def test_unfinished_responses_on_request(sessions: async_sessionmaker[AsyncSession], built: Built) -> None:
    frame = await _frame(sessions, "small", include_unfinished=True)
    assert frame["response"].tolist() == built.small
    third = frame.iloc[2]
    assert third["status"] == "in_progress"
    assert pd.isna(third["completed_at"]) and pd.isna(third["completed_jalali"])
    assert third["started_at"].endswith("Z") and len(third["started_jalali"]) == len("1403/01/01 23:30")
    assert [third[f"modes__{c}"] for c in ("bus", "metro", "bike", "taxi", "walk")] == [0] * 5
    assert third["comment"] == "@SUM(A1)"


async def test_bundled_survey_plan_columns(sessions: async_sessionmaker[AsyncSession], built: Built) -> None:
    frame = await _frame(sessions, "mashhad_citizen")
    axes = ["governance", "economy", "social_cultural", "urban_development", "transport", "services_safety"]
    assert list(frame.columns) == BASE_COLUMNS + [
        "district_answer",
        "age_band",
        *(f"axes_priority__{a}" for a in axes),
        *(f"rate_{a}" for a in axes),
        "neighbourhood_problem__text",
        "neighbourhood_problem__axis",
        "suggestion",
    ]
    row = frame.iloc[0].to_dict()
    assert row["response"] == built.citizen and row["participant"] == built.pseudonym_a
    assert row["district"] == "d05" and row["district_answer"] == "d05" and row["age_band"] == "age_30_44"
    assert [row[f"axes_priority__{a}"] for a in axes] == [3, 2, 4, 5, 1, 6]
    assert row["rate_governance"] == 4 and pd.isna(row["rate_economy"]) and frame["rate_governance"].dtype == "Int64"
    assert row["neighbourhood_problem__text"] == PROBLEM_TEXT and row["neighbourhood_problem__axis"] == "transport"
    assert pd.isna(row["suggestion"])


async def test_survey_without_responses(sessions: async_sessionmaker[AsyncSession]) -> None:
    async with transaction(sessions) as session:
        await surveys.register(session, load_yaml_survey(SMALL_V1))
        frame = await responses_frame(session, "small", zone=TEHRAN, include_unfinished=True)
    assert frame.empty
    assert list(frame.columns) == BASE_COLUMNS + [
        "modes__bus",
        "modes__metro",
        "modes__taxi",
        "modes__walk",
        "order__parks",
        "order__roads",
        "order__water",
        "spend",
        "visits",
        "moved_on",
        "comment",
        "old_question",
    ]


async def test_unknown_survey_lists_known_codes(sessions: async_sessionmaker[AsyncSession], built: Built) -> None:
    with pytest.raises(MeydanError, match=r"no survey with code 'nope' \(known: mashhad_citizen, small\)"):
        await _frame(sessions, "nope")


async def test_files_carry_pseudonyms_never_messenger_ids(
    sessions: async_sessionmaker[AsyncSession], built: Built, tmp_path: Path
) -> None:
    frame = await _frame(sessions, "small", include_unfinished=True)
    csv = write_table(frame, tmp_path / "small.csv", fmt="csv")
    text = csv.read_bytes().decode("utf-8")
    assert text.startswith("\ufeffresponse,participant,")
    assert str(TELEGRAM_ID) not in text and built.pseudonym_a in text
    back = pd.read_csv(csv, encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert back["comment"].tolist() == ['\'=HYPERLINK("x")', "'+1+1", "'@SUM(A1)"]
    assert back["visits"].tolist() == ["-5", "0", ""] and back["spend"].tolist() == ["12.5", "3.0", ""]

    sheet = load_workbook(write_table(frame, tmp_path / "small.xlsx", fmt="xlsx")).active
    assert sheet.sheet_view.rightToLeft and sheet.freeze_panes == "A2"
    cells = {header.value: column for header, *column in sheet.iter_cols()}
    assert all(str(TELEGRAM_ID) not in str(cell.value) for column in cells.values() for cell in column)
    assert [c.value for c in cells["participant"]][:2] == [built.pseudonym_a, built.pseudonym_b]
    assert [(c.value, c.data_type) for c in cells["visits"]] == [(-5, "n"), (0, "n"), (None, "n")]
    assert [(c.value, c.data_type) for c in cells["spend"][:2]] == [(12.5, "n"), (3, "n")]
    assert [(c.value, c.data_type) for c in cells["modes__taxi"]] == [(1, "n"), (None, "n"), (0, "n")]
    assert [(c.value, c.data_type) for c in cells["comment"]] == [
        ('=HYPERLINK("x")', "s"),
        ("+1+1", "s"),
        ("@SUM(A1)", "s"),
    ]
    assert (cells["old_question"][0].value, cells["old_question"][0].data_type) == ("-2+3", "s")


async def test_findings(sessions: async_sessionmaker[AsyncSession], built: Built) -> None:
    async with transaction(sessions) as session:
        frame = await findings_frame(session)
        strategies = await findings_frame(session, kind="strategy")
        imported = await findings_frame(session, source="citizen_poll")
    assert list(frame.columns) == [
        "id",
        "kind",
        "text",
        "normalized_text",
        "source",
        "working_group",
        "axis",
        "district",
        "stakeholder_group",
        "severity",
        "organization",
        "meeting",
        "meeting_source",
        "held_on",
        "held_on_jalali",
        "participant",
        "origin",
        "parent",
        "problem",
        "status",
        "hidden_reason",
        "created_at",
    ]
    assert frame["kind"].tolist() == ["problem", "strategy", "problem", "problem"]
    assert set(frame["status"]) == {"visible"} and frame["hidden_reason"].isna().all()
    from_answer, from_meeting, from_import, by_hand = (frame.iloc[i].to_dict() for i in range(4))
    assert from_answer["id"] == built.first_finding and from_answer["text"] == PROBLEM_TEXT
    assert from_answer["origin"] == f"answer:{built.problem_answer}"
    assert from_answer["participant"] == built.pseudonym_a and from_answer["source"] == "citizen_poll"
    assert from_answer["axis"] == "transport" and from_answer["district"] == "d05"
    assert from_answer["normalized_text"] and pd.isna(from_answer["meeting"]) and pd.isna(from_answer["held_on"])
    assert from_meeting["origin"] == f"meeting:{built.meeting}:note {built.note}"
    assert from_meeting["meeting"] == built.meeting and from_meeting["meeting_source"] == "civil_society_forum"
    assert from_meeting["held_on"] == "2024-03-21" and from_meeting["held_on_jalali"] == "1403/01/02"
    assert from_meeting["participant"] == built.pseudonym_b and from_meeting["severity"] == 3
    assert from_import["origin"] == f"import:{built.batch}:row 45" and pd.isna(from_import["participant"])
    assert pd.isna(by_hand["origin"]) and by_hand["parent"] == built.first_finding
    assert frame["meeting"].dtype == "Int64" and frame["parent"].dtype == "Int64"
    assert all(len(t) == 20 and t.endswith("Z") for t in frame["created_at"])
    assert strategies["id"].tolist() == [from_meeting["id"]]
    assert imported["origin"].tolist()[:2] == [from_answer["origin"], from_import["origin"]]
    assert "حذف شده" not in frame["text"].tolist()
    assert frame["problem"].isna().all()  # not integrated yet


async def test_findings_carry_their_problem_once_integrated(
    sessions: async_sessionmaker[AsyncSession], built: Built
) -> None:
    async with transaction(sessions) as session:
        await problems.integrate(session)
    async with transaction(sessions) as session:
        frame = await findings_frame(session)
        problem_of = dict((await session.execute(select(ProblemFinding.finding_id, ProblemFinding.problem_id))).all())
    assert problem_of and frame["problem"].dtype == "Int64"
    assert [None if pd.isna(p) else p for p in frame["problem"]] == [problem_of.get(i) for i in frame["id"]]
    assert frame[frame["kind"] == "problem"]["problem"].notna().all()


async def test_findings_unknown_kind(sessions: async_sessionmaker[AsyncSession]) -> None:
    async with transaction(sessions) as session:
        with pytest.raises(MeydanError, match="no finding kind 'issue'"):
            await findings_frame(session, kind="issue")


async def _build_at(url: URL) -> Built:
    engine = create_engine(url)
    try:
        await migrate.upgrade(engine)
        async with transaction(session_factory(engine)) as session:
            return await build(session)
    finally:
        await engine.dispose()


def _meydan(tmp_path: Path, url: URL, *args: str) -> subprocess.CompletedProcess[str]:
    return meydan(tmp_path, url, "export", *args, MEYDAN_SECRET_KEY="cli-test-secret-key-of-32-characters")


@pytest.mark.slow  # runs meydan as a subprocess several times
def test_cli(sqlite_url: URL, tmp_path: Path) -> None:
    built = asyncio.run(_build_at(sqlite_url))

    done = _meydan(tmp_path, sqlite_url, "responses", "--survey", "small", "--format", "csv")
    assert done.returncode == 0, done.stderr
    path = Path(done.stdout.split()[0])
    assert path.parent == tmp_path / "data" / "exports" and path.name.startswith("responses-small-")
    assert path.suffix == ".csv" and done.stdout.strip().endswith("(2 rows)")
    assert built.pseudonym_a in path.read_text(encoding="utf-8-sig")

    out = tmp_path / "findings.xlsx"
    done = _meydan(tmp_path, sqlite_url, "findings", "--format", "xlsx", "--out", str(out), "--kind", "problem")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"{out}  (3 rows)"
    assert load_workbook(out).active.max_row == 4

    done = _meydan(tmp_path, sqlite_url, "responses", "--survey", "nope", "--format", "xlsx", "--include-unfinished")
    assert done.returncode == 1
    assert done.stderr == "meydan: no survey with code 'nope' (known: mashhad_citizen, small)\n"
