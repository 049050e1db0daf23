"""/help, /language and the fallbacks for what nobody else handled."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message

from backend.context import AppContext
from bot.guard import pressed_on, sender_id
from bot.handlers.onboarding import send_consent
from bot.i18n import LANGUAGES, t
from bot.keyboards import LanguageChoice, language_keyboard
from bot.middlewares import remember_language


async def help_command(message: Message, lang: str) -> None:
    """List what the user can do."""
    await message.answer(t("help.text", lang))


async def language_command(message: Message, lang: str) -> None:
    """Offer the language buttons."""
    await message.answer(t("language.prompt", lang), reply_markup=language_keyboard())


async def language_chosen(
    query: CallbackQuery, callback_data: LanguageChoice, bot: Bot, state: FSMContext, app: AppContext, lang: str
) -> None:
    """Switch the conversation language; an unknown code is a stale button."""
    if callback_data.code not in LANGUAGES:
        await query.answer(t("errors.stale_button", lang), show_alert=True)
        return
    new = callback_data.code
    known = await remember_language(state, app, sender_id(query), new)
    await query.answer(t("language.name", new))
    await pressed_on(query).answer(t("language.changed", new))
    if not known:
        await send_consent(bot, sender_id(query), new)


async def unknown_command(message: Message, lang: str) -> None:
    """Say that a command is unknown instead of staying silent."""
    await message.answer(t("errors.unknown_command", lang))


async def stale_button(query: CallbackQuery, lang: str) -> None:
    """Answer every press, even one whose button no longer means anything."""
    await query.answer(t("errors.stale_button", lang), show_alert=True)


def router() -> Router:
    """/help and /language."""
    r = Router(name="common")
    r.message.register(help_command, Command("help"))
    r.message.register(language_command, Command("language"))
    r.callback_query.register(language_chosen, LanguageChoice.filter())
    return r


def fallback() -> Router:
    """Last in line: unknown commands and presses nobody else handled."""
    r = Router(name="fallback")
    r.message.register(unknown_command, F.text.startswith("/"))
    r.callback_query.register(stale_button)
    return r
