"""Callback data of meeting buttons: ids and indexes only, re-checked on every press."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData


class SetupPick(CallbackData, prefix="mk"):
    """Option ``i`` of setup question ``s`` of draft meeting ``m`` (``m`` is 0 before the source is picked)."""

    m: int
    s: str
    i: int


class FindingAxis(CallbackData, prefix="fa"):
    """Axis ``i`` (index in the plan) for finding ``f``."""

    f: int
    i: int


class FindingSeverity(CallbackData, prefix="fs"):
    """Severity ``v`` (1-5) for problem ``f``."""

    f: int
    v: int


class FindingParent(CallbackData, prefix="fp"):
    """Link finding ``f`` to problem ``p`` of the same meeting."""

    f: int
    p: int


class CloseMeeting(CallbackData, prefix="mc"):
    """Confirm closing meeting ``m`` (``ok``) or go on logging."""

    m: int
    ok: bool
