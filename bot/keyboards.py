"""Inline keyboards and their callback data (ids and codes only, checked on every press)."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.i18n import LANGUAGES, t


class LanguageChoice(CallbackData, prefix="lang"):
    """A press on one of the language buttons."""

    code: str


def language_keyboard() -> InlineKeyboardMarkup:
    """One button per supported language, each named in its own language."""
    builder = InlineKeyboardBuilder()
    for code in LANGUAGES:
        builder.button(text=t("language.name", code), callback_data=LanguageChoice(code=code))
    return builder.as_markup()
