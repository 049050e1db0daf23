"""The buttons that lead into the citizens' pairwise ranking (``bot.handlers.pairwise``), for the
home menu and the offer after a completed survey."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from bot.i18n import t


class RankStart(CallbackData, prefix="pr"):
    """Start ranking for the participant's own district."""

    d: str = ""


def start_button(lang: str) -> InlineKeyboardButton:
    """The button that starts ranking."""
    return InlineKeyboardButton(text=t("pairwise.start_button", lang), callback_data=RankStart().pack())


def offer(lang: str) -> tuple[str, InlineKeyboardMarkup]:
    """The offer after a completed survey: its text and its button."""
    return t("pairwise.offer", lang), InlineKeyboardMarkup(inline_keyboard=[[start_button(lang)]])
