"""Gaps found while hardening, now closed: long reviews fit one message, survey authors' and users'
texts are escaped where HTML is sent and shown as typed where it is not (buttons)."""

from __future__ import annotations

from datetime import date

import pytest

from backend.config import MAX_TEXT_LENGTH
from backend.models import Finding
from backend.surveys.engine import Invalid, SurveyState
from backend.surveys.plan_sources import plan_choice_sources
from bot.meetings.render import parent_keyboard
from bot.surveys.flow import error_text
from bot.surveys.render import review_message
from sandbox.bench.survey.citizen import bundled_survey
from sandbox.emulator.formatting import format_text
from sandbox.emulator.limits import Limits
from tests.hardening.helpers import HTML_ATTACK


def test_the_review_of_the_longest_answers_fits_in_one_message() -> None:
    view = bundled_survey()
    answers = {
        "district": "d01",
        "age_band": "age_18_29",
        "axes_priority": [a.code for a in view.plan.axes],
        "neighbourhood_problem": {"text": "ب" * MAX_TEXT_LENGTH, "axis": "transport"},
        "suggestion": "پ" * MAX_TEXT_LENGTH,
        **{f"rate_{a.code}": 3 for a in view.plan.axes},
    }
    state = SurveyState(answers, frozenset({"intro"}), date(2024, 1, 1))
    text, _ = review_message(view.definition, 1, state, plan_choice_sources(view.plan), "fa")
    assert len(format_text(text, "HTML")[0]) <= Limits().text_max


def test_a_constraint_message_with_markup_characters_can_be_sent() -> None:
    message = "عددی < ۲۰ & > ۰"
    assert format_text(error_text(None, Invalid("constraint", message), "fa"), "HTML")[0] == message  # type: ignore[arg-type]


def test_problem_buttons_show_the_problem_as_typed() -> None:
    problems = [Finding(id=i, kind="problem", text=text) for i, text in enumerate(("a < b & c", "دوم"), start=1)]
    strategy = Finding(id=3, kind="strategy", text="x", parent_id=1)
    markup = parent_keyboard(strategy, problems, "fa")
    assert markup is not None and "a < b & c" in markup.inline_keyboard[0][0].text


def test_the_emulator_rejects_what_these_gaps_would_send() -> None:
    """The checks above use the emulator's own HTML parser and limits, which do refuse such messages."""
    with pytest.raises(Exception, match="can't parse entities"):
        format_text("عددی < ۲۰", "HTML")
    assert format_text(HTML_ATTACK, "HTML")[1][0]["type"] == "text_link"
