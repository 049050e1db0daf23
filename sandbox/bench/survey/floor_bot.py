"""The bot of the survey benchmark's floor variant: the survey's Bot API traffic, nothing else.

It answers every message with a question of the bundled survey (its Persian text and buttons,
rendered once at start) and every button press with ``answerCallbackQuery`` and the next
question: the calls Meydan makes per update, with no database, no conversation state and no
survey logic. Its CPU per update is what aiogram, the HTTP link to the Bot API and the
emulator cost any bot on this machine, the floor under Meydan's own figures.

Run as ``python -m sandbox.bench.survey.floor_bot`` with the bot's MEYDAN_* environment.
"""

from __future__ import annotations

from itertools import cycle

from aiogram import Bot, Dispatcher
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message

from backend.config import load_settings
from backend.surveys.model import QuestionType, localize
from bot.app import create_bot
from bot.commands import run
from bot.i18n import t
from bot.runner import UPDATES_AT_ONCE
from bot.surveys.render import button_rows
from sandbox.bench.survey.citizen import LANG, bundled_survey

PRESS = "floor"  # the callback data of every button: the floor bot does not read it

Question = tuple[str, InlineKeyboardMarkup | None]


def questions() -> list[Question]:
    """The bundled survey's questions as the bot shows them in Persian: text and buttons."""
    survey, shown = bundled_survey(), list[Question]()
    for question in survey.definition.questions:
        if question.type is QuestionType.NOTE:
            continue
        labels = list(survey.choices(question).values())
        buttons = [InlineKeyboardButton(text=label, callback_data=PRESS) for label in labels]
        rows = button_rows(buttons, 2) + [
            [InlineKeyboardButton(text=t("surveys.back_button", LANG), callback_data=PRESS)]
        ]
        shown.append((f"<b>{localize(question.label, LANG)}</b>", InlineKeyboardMarkup(inline_keyboard=rows)))
    return shown


def floor_dispatcher() -> Dispatcher:
    """A dispatcher sending the survey's questions in turn, whatever the user does."""
    dp, upcoming = Dispatcher(), cycle(questions())

    async def ask(bot: Bot, chat_id: int) -> None:
        text, markup = next(upcoming)
        await bot.send_message(chat_id, text, reply_markup=markup)

    @dp.message()
    async def typed(message: Message, bot: Bot) -> None:
        await ask(bot, message.chat.id)

    @dp.callback_query()
    async def pressed(query: CallbackQuery, bot: Bot) -> None:
        await query.answer(t("surveys.recorded", LANG))
        await ask(bot, query.from_user.id)

    return dp


async def serve() -> None:
    """Poll MEYDAN_API_BASE with MEYDAN_BOT_TOKEN until SIGINT/SIGTERM, as ``meydan run`` polls."""
    bot = create_bot(load_settings())
    try:
        await floor_dispatcher().start_polling(
            bot, polling_timeout=20, tasks_concurrency_limit=UPDATES_AT_ONCE, close_bot_session=False
        )
    finally:
        await bot.session.close()


if __name__ == "__main__":
    run(serve())
