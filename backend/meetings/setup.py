"""The set-up questions of /meeting and /forum as a state machine: applying a press or a typed answer.

The answers are stored on the draft meeting as they come, and ``setup_step`` says which question
is asked; so a press on an old question is recognized as stale, and a restart asks the same one.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Literal

from backend.jalali import parse_date
from backend.meetings import service
from backend.models import Meeting
from backend.plan import Named, Plan
from backend.text import parse_int

Outcome = Literal["next", "toggled", "listed", "stale", "pick_one"]
DONE = -1  # the index of the done / skip / citywide buttons
KEEP, CHANGE = -2, -3  # the indexes of the buttons that keep or change a pre-selected answer
# Questions answered by ticking several options: the kind of their codes and the meeting's attribute.
TOGGLED = {"axes": ("axis", "axes"), "groups": ("stakeholder_group", "stakeholder_groups")}
PICKED = {"working_group": "working_group", "district": "district"}
# Questions filled in from the working group or source, to keep or change; the kind of their codes.
PRESELECTED = {"axes": "axis", "district": "district", "groups": "stakeholder_group"}


def preselected(meeting: Meeting, step: str) -> list[str]:
    """The codes a pre-selectable question already holds (its default, or given before a restart)."""
    if step in TOGGLED:
        return list(getattr(meeting, TOGGLED[step][1]))
    return [meeting.district] if step == "district" and meeting.district else []


def options(plan: Plan, step: str) -> list[Named]:
    """The plan items a ticking question offers."""
    return plan.axes if step == "axes" else plan.stakeholder_groups


def apply_pick(plan: Plan, meeting: Meeting, index: int, groups: list[str], today: date) -> Outcome:
    """Apply a press on the current question; ``next`` when the setup moved on."""
    step = meeting.setup_step or ""
    if step in PRESELECTED and index == CHANGE:
        if step in TOGGLED:
            setattr(meeting, TOGGLED[step][1], [])
        return "listed"
    if step in PRESELECTED and index == KEEP and preselected(meeting, step):
        service.advance(meeting)
        return "next"
    if step in TOGGLED:
        items, attribute = options(plan, step), TOGGLED[step][1]
        if index == DONE:
            if not getattr(meeting, attribute):
                return "pick_one"
            service.advance(meeting)
            return "next"
        if not 0 <= index < len(items):
            return "stale"
        setattr(meeting, attribute, service.toggle(getattr(meeting, attribute), items[index].code))
        return "toggled"
    if step == "working_group" and 0 <= index < len(groups):
        service.apply_working_group(plan, meeting, groups[index])
    elif step == "date" and index in (0, 1):
        meeting.held_on = today - timedelta(days=index)
    elif step == "district" and (index == DONE or 0 <= index < len(plan.districts)):
        meeting.district = None if index == DONE else plan.districts[index].code
    elif step in ("attendees", "organizations") and index == DONE:
        setattr(meeting, step, None)
    else:
        return "stale"
    service.advance(meeting)
    return "next"


def apply_typed(meeting: Meeting, text: str, today: date) -> str | None:
    """Apply a typed answer to the current question; the locale key of what was expected if it is wrong."""
    step = meeting.setup_step
    if step == "date":
        held_on = parse_date(text)
        if held_on is None:
            return "meetings.bad_date"
        if held_on > today:
            return "meetings.future_date"
        meeting.held_on = held_on
    elif step == "attendees":
        count = parse_int(text)
        if count is None or not 1 <= count <= service.MAX_ATTENDEES:
            return "meetings.bad_attendees"
        meeting.attendees = count
    elif step == "organizations" and text.strip():
        service.set_organizations(meeting, text)
    else:
        return "meetings.use_buttons"
    service.advance(meeting)
    return None
