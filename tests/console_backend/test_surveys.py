"""The secretariat's survey use cases: upload with errors by sheet and row, versions, dates, funnel."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import select

from backend.console import surveys as staff
from backend.context import AppContext, transaction
from backend.errors import Refused
from backend.models import AuditEntry, Participant
from backend.participants import service as participants
from backend.services import surveys
from backend.surveys import answering
from tests.console_backend.conftest import ADMIN, BOT, MEMBER
from tests.e2e.xlsform_fixture import write_transit_form

YAML = """
code: water
title: {fa: "آب", en: Water}
languages: [fa, en]
questions:
  - {name: pressure, type: select_one, label: {fa: "فشار آب؟", en: "Water pressure?"}, required: true,
     choices: [{name: low, label: {fa: کم, en: Low}}, {name: ok, label: {fa: خوب, en: Good}}]}
  - {name: note, type: text, label: {fa: "توضیح", en: Comment}}
"""


def broken_form(folder: Path) -> bytes:
    """The transit form with row 3 naming a choice list that does not exist."""
    path = write_transit_form(folder)
    book = openpyxl.load_workbook(path)
    book["survey"]["A3"] = "select_one no_such_list"
    book.save(path)
    return path.read_bytes()


def test_an_xlsform_error_names_its_sheet_and_row(tmp_path: Path) -> None:
    with pytest.raises(staff.UploadRefused) as refused:
        staff.read_upload("transit.xlsx", broken_form(tmp_path))
    (error,) = refused.value.errors
    assert (error.sheet, error.row) == ("survey", 3) and "no_such_list" in error.reason


def test_a_yaml_error_and_a_wrong_file_kind_are_explained() -> None:
    with pytest.raises(staff.UploadRefused) as refused:
        staff.read_upload("water.yaml", YAML.replace("select_one", "select_none").encode())
    (error,) = refused.value.errors
    assert error.sheet == "yaml" and "pressure" in error.reason
    with pytest.raises(staff.UploadRefused) as syntax:
        staff.read_upload("water.yaml", YAML.replace("languages: [fa, en]", "languages: [fa, en").encode())
    assert (syntax.value.errors[0].sheet, syntax.value.errors[0].row) == ("yaml", 5)
    with pytest.raises(Refused) as kind:
        staff.read_upload("water.pdf", b"%PDF")
    assert kind.value.key == "surveys.upload.kind"
    with pytest.raises(Refused) as empty:
        staff.read_upload("water.yaml", b"")
    assert empty.value.key == "surveys.upload.size"


async def test_upload_registers_versions_and_audits(app: AppContext, tmp_path: Path) -> None:
    content = write_transit_form(tmp_path).read_bytes()
    first = await staff.upload(app, ADMIN, "transit.xlsx", content)
    assert (first.outcome, first.version.version) == ("created", 1)
    assert (await staff.upload(app, ADMIN, "transit.xlsx", content)).outcome == "unchanged"
    page = await staff.survey_page(app, ADMIN, "transit_check")
    assert [v.version for v in page.versions] == [1] and page.definition.questions[0].name == "household"
    async with transaction(app) as session:
        entries = (await session.scalars(select(AuditEntry).where(AuditEntry.action == "survey.uploaded"))).all()
    assert [(e.actor, e.entity_id, e.data["outcome"]) for e in entries] == [
        (ADMIN.actor, "transit_check", "created"),
        (ADMIN.actor, "transit_check", "unchanged"),
    ]
    with pytest.raises(Refused) as unknown:
        await staff.survey_page(app, ADMIN, "nope")
    assert unknown.value.key == "surveys.unknown"
    for attempt in (staff.listing(app, MEMBER), staff.upload(app, MEMBER, "transit.xlsx", content)):
        with pytest.raises(Refused) as refused:
            await attempt
        assert refused.value.key == "refused.admin_only"


async def test_opening_with_dates_bounds_when_citizens_can_answer(app: AppContext) -> None:
    await staff.upload(app, ADMIN, "water.yaml", YAML.encode())
    survey = await staff.schedule(
        app, ADMIN, "water", is_open=True, opens_on=date(2026, 3, 21), closes_on=date(2026, 3, 30)
    )
    assert survey.opens_at is not None and survey.closes_at is not None
    assert not surveys.is_open_now(survey, datetime(2026, 3, 20, 20, 0, tzinfo=app.zone))
    assert surveys.is_open_now(survey, datetime(2026, 3, 21, 0, 0, tzinfo=app.zone))
    assert surveys.is_open_now(survey, datetime(2026, 3, 30, 23, 59, tzinfo=app.zone))
    assert not surveys.is_open_now(survey, datetime(2026, 3, 31, 0, 0, tzinfo=app.zone))
    with pytest.raises(Refused) as order:
        await staff.schedule(app, ADMIN, "water", is_open=True, opens_on=date(2026, 3, 2), closes_on=date(2026, 3, 1))
    assert order.value.key == "surveys.schedule.order"
    closed = await staff.schedule(app, ADMIN, "water", is_open=False, opens_on=None, closes_on=None)
    assert not closed.is_open
    async with transaction(app) as session:
        actions = (await session.scalars(select(AuditEntry.action).order_by(AuditEntry.id))).all()
    assert actions == ["survey.uploaded", "survey.opened", "survey.closed"]


async def _citizen(app: AppContext, messenger_id: int, replies: list[str], *, submit: bool) -> None:
    async with transaction(app) as session:
        await participants.join(session, app.secret, messenger_id, "fa")
    opened = await answering.open_survey(app, messenger_id, "fa", code="water")
    assert opened.current is not None
    for number, text in enumerate(replies):
        await answering.answer(
            app, (BOT, messenger_id * 100 + number), messenger_id, answering.asking, lambda _, t=text: t, "fa"
        )
    if submit:
        await answering.submit(app, (BOT, messenger_id * 100 + 99), messenger_id, opened.current.progress.response.id)


async def test_the_funnel_counts_who_reached_each_question_and_where_they_stopped(app: AppContext) -> None:
    await staff.upload(app, ADMIN, "water.yaml", YAML.encode())
    await staff.schedule(app, ADMIN, "water", is_open=True, opens_on=None, closes_on=None)
    await _citizen(app, 1, [], submit=False)  # opened, answered nothing
    await _citizen(app, 2, ["low"], submit=False)  # stopped after the first question
    await _citizen(app, 3, ["ok", "خوب است"], submit=True)
    funnel = await staff.funnel(app, ADMIN, "water")
    assert (funnel.started, funnel.stopped_before_first, funnel.completed) == (3, 1, 1)
    assert [(s.question, s.reached, s.stopped_after) for s in funnel.steps] == [("pressure", 2, 1), ("note", 1, 0)]


def test_the_deep_link_opens_the_survey(app: AppContext) -> None:
    assert staff.survey_link(app, "water") == "https://t.me/meydan_test_bot?start=s_water"


async def test_results_and_the_pseudonymized_export(app: AppContext) -> None:
    await staff.upload(app, ADMIN, "water.yaml", YAML.encode())
    await staff.schedule(app, ADMIN, "water", is_open=True, opens_on=None, closes_on=None)
    await _citizen(app, 3, ["ok", "خوب است"], submit=True)
    await _citizen(app, 4, ["ok"], submit=False)
    section = await staff.results(app, ADMIN, "water")
    counts = section.results.values.set_index(["question", "value"])["count"].to_dict()
    assert counts == {("pressure", "ok"): 1}  # completed responses only
    tables = await staff.export(app, ADMIN, "water", include_unfinished=True)
    frame = tables["responses"]
    assert len(frame) == 2 and "خوب است" in set(frame["note"])
    async with transaction(app) as session:
        pseudonyms = {p.pseudonym for p in (await session.scalars(select(Participant))).all()}
        exported = (await session.scalars(select(AuditEntry).where(AuditEntry.action == "survey.exported"))).one()
    assert set(frame["participant"]) == pseudonyms  # pseudonyms, never messenger ids
    assert (exported.actor, exported.data["rows"]) == (ADMIN.actor, 2)
