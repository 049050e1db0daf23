"""The meeting set-up state machine (backend/meetings/setup.py) on draft meetings outside a database."""

from __future__ import annotations

from datetime import date

import pytest

from backend.meetings.setup import CHANGE, DONE, KEEP, apply_pick, apply_typed
from backend.models import Meeting
from backend.plan import load_plan

TODAY = date(2026, 12, 7)  # 1405/09/16
PLAN = load_plan()


def _draft(step: str, **fields: object) -> Meeting:
    return Meeting(
        kind="meeting",
        source="council_interview",
        status="draft",
        setup_step=step,
        axes=[],
        stakeholder_groups=[],
        **fields,
    )


@pytest.mark.parametrize(
    ("step", "typed", "refusal"),
    [
        ("date", "1405/09/17", "meetings.future_date"),  # tomorrow
        ("date", "۱۴۰۵/۱۳/۰۱", "meetings.bad_date"),  # no 13th month
        ("attendees", "0", "meetings.bad_attendees"),
        ("attendees", "100001", "meetings.bad_attendees"),
        ("district", "5", "meetings.use_buttons"),  # a question answered by pressing
    ],
)
def test_a_wrong_typed_answer_says_what_is_expected_and_keeps_the_question(step: str, typed: str, refusal: str) -> None:
    meeting = _draft(step)
    assert apply_typed(meeting, typed, TODAY) == refusal
    assert meeting.setup_step == step


def test_typed_answers_in_any_digits_move_on_and_the_last_opens_the_meeting() -> None:
    meeting = _draft("date")
    assert apply_typed(meeting, "۱۴۰۵/۰۹/۱۶", TODAY) is None
    assert (meeting.held_on, meeting.setup_step) == (TODAY, "district")
    meeting.setup_step = "attendees"
    assert apply_typed(meeting, "۱۲", TODAY) is None
    assert (meeting.attendees, meeting.setup_step) == (12, "organizations")
    assert apply_typed(meeting, "  شورای محله  ", TODAY) is None
    assert (meeting.organizations, meeting.status, meeting.setup_step) == ("شورای محله", "open", None)


def test_ticking_axes_needs_one_before_done_and_a_pre_selected_answer_can_be_kept_or_changed() -> None:
    meeting = _draft("axes")
    assert apply_pick(PLAN, meeting, DONE, [], TODAY) == "pick_one"
    assert apply_pick(PLAN, meeting, len(PLAN.axes), [], TODAY) == "stale"
    assert apply_pick(PLAN, meeting, 0, [], TODAY) == "toggled"
    assert meeting.axes == [PLAN.axes[0].code]
    assert apply_pick(PLAN, meeting, CHANGE, [], TODAY) == "listed"
    assert meeting.axes == []
    meeting.axes = [PLAN.axes[1].code]
    assert apply_pick(PLAN, meeting, KEEP, [], TODAY) == "next"
    assert (meeting.axes, meeting.setup_step) == ([PLAN.axes[1].code], "date")
    assert apply_pick(PLAN, meeting, 1, [], TODAY) == "next"  # yesterday
    assert meeting.held_on == date(2026, 12, 6)
