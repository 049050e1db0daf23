"""Callback data of vote buttons: the item id and the action only; the server checks the rest."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData


class VoteButton(CallbackData, prefix="v"):
    """``a``: approve, reject, abstain, comment or why, on agenda item ``i``."""

    i: int
    a: str
