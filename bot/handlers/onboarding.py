"""/start, consent, the minimal profile, the list of open surveys, and /forget."""

from __future__ import annotations

from aiogram import Bot, Router
from aiogram.filters import Command, CommandObject, CommandStart
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message

from backend.context import AppContext
from backend.links import SURVEY_PREFIX
from backend.models import Participant
from backend.participants import onboarding
from backend.surveys.model import localize
from bot.guard import guarded, pressed_on, sender_id
from bot.i18n import t
from bot.keyboards import language_keyboard
from bot.pairwise import start_button
from bot.surveys.callbacks import OpenSurvey
from bot.surveys.render import button_rows
from bot.surveys.starting import begin_survey

PENDING_SURVEY = "pending_survey"


class Consent(CallbackData, prefix="consent"):
    """Agree (1) or decline (0) the privacy notice."""

    agree: bool


class DistrictChoice(CallbackData, prefix="district"):
    """The district the participant lives in."""

    code: str


class ForgetChoice(CallbackData, prefix="forget"):
    """Confirm (1) or keep (0) after /forget."""

    yes: bool


def _yes_no(make: type[CallbackData], field: str, yes: str, no: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [
                InlineKeyboardButton(text=yes, callback_data=make(**{field: True}).pack()),
                InlineKeyboardButton(text=no, callback_data=make(**{field: False}).pack()),
            ]
        ]
    )


async def send_consent(bot: Bot, chat_id: int, lang: str) -> None:
    """The privacy notice with agree/decline buttons."""
    markup = _yes_no(Consent, "agree", t("consent.agree", lang), t("consent.decline", lang))
    await bot.send_message(chat_id, t("consent.notice", lang), reply_markup=markup)


async def send_district_prompt(bot: Bot, app: AppContext, chat_id: int, lang: str) -> None:
    """Ask for the participant's district with one button per district of the plan."""
    buttons = [
        InlineKeyboardButton(text=district.name(lang), callback_data=DistrictChoice(code=district.code).pack())
        for district in app.plan.districts
    ]
    markup = InlineKeyboardMarkup(inline_keyboard=button_rows(buttons, 2))
    await bot.send_message(chat_id, t("profile.district_prompt", lang), reply_markup=markup)


async def send_home(bot: Bot, app: AppContext, chat_id: int, participant: Participant, lang: str) -> None:
    """Open surveys as buttons (an unfinished one is offered as "continue"), and ranking the problems."""
    open_now = await onboarding.open_surveys(app, participant.id)
    rows: list[list[InlineKeyboardButton]] = []
    for found in open_now:
        name = localize(found.survey.title, lang)
        label = t("home.continue", lang, title=name) if found.unfinished else name
        rows.append([InlineKeyboardButton(text=label, callback_data=OpenSurvey(s=found.survey.id).pack())])
    rows.append([start_button(lang)])
    text = t("home.surveys" if open_now else "home.none_open", lang)
    await bot.send_message(chat_id, text, reply_markup=InlineKeyboardMarkup(inline_keyboard=rows))


async def next_step(
    bot: Bot, app: AppContext, state: FSMContext, chat_id: int, participant: Participant, lang: str
) -> None:
    """After consent or profile: ask what is missing, else open the linked survey or the list."""
    if participant.district is None:
        await send_district_prompt(bot, app, chat_id, lang)
        return
    code = (await state.get_data()).get(PENDING_SURVEY)
    if code:
        await state.update_data({PENDING_SURVEY: None})
        if await begin_survey(bot, app, chat_id, participant, lang, code=code):
            return
    await send_home(bot, app, chat_id, participant, lang)


async def start(
    message: Message, command: CommandObject, bot: Bot, app: AppContext, state: FSMContext, lang: str
) -> None:
    """Welcome; newcomers get the language choice and the privacy notice, others their surveys."""
    if command.args and command.args.startswith(SURVEY_PREFIX):
        await state.update_data({PENDING_SURVEY: command.args.removeprefix(SURVEY_PREFIX)})
    participant = await onboarding.welcome(app, sender_id(message))  # unblocking a bot sends /start
    await message.answer(t("start.welcome", lang, plan=app.plan.name(lang)), reply_markup=language_keyboard())
    if participant is None:
        await send_consent(bot, message.chat.id, lang)
        return
    await next_step(bot, app, state, message.chat.id, participant, lang)


async def consent(
    query: CallbackQuery, callback_data: Consent, bot: Bot, app: AppContext, state: FSMContext, lang: str
) -> None:
    """Agree: create the participant and go on. Decline: store nothing, forget the state too."""
    await query.answer()
    if not callback_data.agree:
        if await onboarding.find(app, sender_id(query)) is None:
            await state.clear()
        await bot.send_message(sender_id(query), t("consent.declined", lang))
        return
    participant = await onboarding.consent(app, sender_id(query), lang)
    if participant is None:  # a second tap on the same notice
        return
    await next_step(bot, app, state, sender_id(query), participant, lang)


@guarded
async def district(
    query: CallbackQuery, callback_data: DistrictChoice, bot: Bot, app: AppContext, state: FSMContext, lang: str
) -> None:
    """Save the district; a press from someone without consent or with an unknown code is stale."""
    participant = await onboarding.set_district(app, sender_id(query), callback_data.code)
    await query.answer(t("profile.saved", lang))
    await next_step(bot, app, state, sender_id(query), participant, lang)


async def list_surveys(message: Message, bot: Bot, app: AppContext, state: FSMContext, lang: str) -> None:
    """/surveys: the open surveys (or what is missing before them)."""
    participant = await onboarding.find(app, sender_id(message))
    if participant is None:
        await send_consent(bot, message.chat.id, lang)
        return
    await next_step(bot, app, state, message.chat.id, participant, lang)


async def forget_command(message: Message, lang: str) -> None:
    """/forget: ask for confirmation first."""
    markup = _yes_no(ForgetChoice, "yes", t("forget.delete_button", lang), t("forget.keep_button", lang))
    await message.answer(t("forget.confirm", lang), reply_markup=markup)


async def forget_chosen(
    query: CallbackQuery, callback_data: ForgetChoice, app: AppContext, state: FSMContext, lang: str
) -> None:
    """Delete the profile and the account link, and the conversation state with them."""
    await query.answer()
    if not callback_data.yes:
        await pressed_on(query).answer(t("forget.kept", lang))
        return
    forgotten = await onboarding.forget(app, sender_id(query))
    await state.clear()
    await pressed_on(query).answer(t("forget.done" if forgotten else "forget.nothing", lang))


def router() -> Router:
    """Onboarding and the participant's own data."""
    r = Router(name="onboarding")
    r.message.register(start, CommandStart())
    r.message.register(list_surveys, Command("surveys"))
    r.message.register(forget_command, Command("forget"))
    r.callback_query.register(consent, Consent.filter())
    r.callback_query.register(district, DistrictChoice.filter())
    r.callback_query.register(forget_chosen, ForgetChoice.filter())
    return r
