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
    """Tick or untick option ``c`` of a multiple-choice question whose ticked options, as shown with the
    button, are the bits of ``m`` (bit i: option i): a press is then the same whenever it arrives."""

    r: int
    q: int
    c: int
    m: int = 0


class Done(CallbackData, prefix="sd"):
    """Save the options of a multiple-choice question ticked when the button was shown (the bits of ``m``),
    so what is saved is what the respondent saw, with no conversation state to lose."""

    r: int
    q: int
    m: int = 0


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
