"""/start, /help and /language."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command, CommandStart
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message

from bot.context import AppContext
from bot.i18n import LANGUAGES, t
from bot.keyboards import LanguageChoice, language_keyboard
from bot.middlewares import remember_language

router = Router(name="common")
fallback = Router(name="fallback")


@router.message(CommandStart())
async def start(message: Message, app: AppContext, lang: str) -> None:
    """Welcome the user in their language and offer the language choice."""
    await message.answer(t("start.welcome", lang, plan=app.plan.name(lang)), reply_markup=language_keyboard())


@router.message(Command("help"))
async def help_command(message: Message, lang: str) -> None:
    """List what the user can do."""
    await message.answer(t("help.text", lang))


@router.message(Command("language"))
async def language_command(message: Message, lang: str) -> None:
    """Offer the language buttons."""
    await message.answer(t("language.prompt", lang), reply_markup=language_keyboard())


@router.callback_query(LanguageChoice.filter())
async def language_chosen(
    query: CallbackQuery, callback_data: LanguageChoice, state: FSMContext, app: AppContext, lang: str
) -> None:
    """Switch the conversation language; an unknown code is a stale button."""
    if callback_data.code not in LANGUAGES:
        await query.answer(t("errors.stale_button", lang), show_alert=True)
        return
    new = callback_data.code
    await remember_language(state, app, query.from_user.id, new)
    await query.answer(t("language.name", new))
    await query.message.answer(t("language.changed", new))


@fallback.message(F.text.startswith("/"))
async def unknown_command(message: Message, lang: str) -> None:
    """Say that a command is unknown instead of staying silent."""
    await message.answer(t("errors.unknown_command", lang))


@fallback.callback_query()
async def stale_button(query: CallbackQuery, lang: str) -> None:
    """Answer every press, even one whose button no longer means anything."""
    await query.answer(t("errors.stale_button", lang), show_alert=True)
