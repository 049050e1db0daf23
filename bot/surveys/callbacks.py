"""Callback data of survey buttons: ids and indexes only, re-checked on every press."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData


class OpenSurvey(CallbackData, prefix="so"):
    """Start (or continue) the survey with this id."""

    s: int


class Pick(CallbackData, prefix="sp"):
    """Option ``c`` of question ``q`` (index in the definition) of response ``r``; for a ranking,
    ``n`` is how many places were already picked when the button was shown (the options shrink)."""

    r: int
    q: int
    c: int
    n: int = 0


class Toggle(CallbackData, prefix="st"):
    """Tick or untick option ``c`` of a multiple-choice question."""

    r: int
    q: int
    c: int


class Done(CallbackData, prefix="sd"):
    """Save the ticked options of a multiple-choice question."""

    r: int
    q: int


class Nav(CallbackData, prefix="sn"):
    """``skip`` or ``back`` from question ``q``."""

    r: int
    q: int
    a: str


class Edit(CallbackData, prefix="se"):
    """Edit question ``q`` from the review."""

    r: int
    q: int


class Submit(CallbackData, prefix="sf"):
    """Submit the reviewed response."""

    r: int
