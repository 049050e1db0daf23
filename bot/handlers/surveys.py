"""Answering a survey: typed replies, button presses, /back, /skip, /cancel, review, submit."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message, Update

from backend.services import participants, responses
from backend.services.updates import AlreadyProcessed, claim
from backend.surveys.engine import can_skip, step_back
from bot.context import AppContext
from bot.i18n import t
from bot.surveys import flow
from bot.surveys.callbacks import Done, Edit, Nav, OpenSurvey, Pick, Submit, Toggle
from bot.surveys.render import options
from bot.surveys.starting import begin_survey

TICKED = "ticked"


async def _ticked(state: FSMContext, response_id: int, index: int) -> frozenset[str]:
    data = (await state.get_data()).get(TICKED) or {}
    return frozenset(data.get(f"{response_id}:{index}", []))


async def open_survey(query: CallbackQuery, callback_data: OpenSurvey, bot: Bot, app: AppContext, lang: str) -> None:
    """A survey button on the home list: start it or continue it."""
    await query.answer()
    async with app.sessions() as session:
        participant = await participants.by_messenger_id(session, query.from_user.id)
    if participant is None:
        await bot.send_message(query.from_user.id, t("surveys.no_active", lang))
        return
    await begin_survey(bot, app, query.from_user.id, participant, lang, survey_id=callback_data.s)


async def typed_reply(message: Message, bot: Bot, app: AppContext, event_update: Update, lang: str) -> None:
    """A typed answer to the current question; a bad one gets what is expected and the question again."""
    try:
        async with app.sessions() as session, session.begin():
            current = await flow.load(session, app, message.from_user.id)
            if current is None or current.question is None:
                answer = None
            else:
                await claim(session, bot.id, event_update.update_id)
                answer = await flow.reply(session, app, current, message.text, lang, raw_text=message.text)
    except AlreadyProcessed:
        return
    if current is None:
        await message.answer(t("surveys.no_active", lang))
    elif answer is None:
        await flow.show(bot, app, message.chat.id, current, lang)
    else:
        await _after_reply(bot, app, message.chat.id, current, *answer, lang=lang)


async def _after_reply(bot: Bot, app: AppContext, chat_id: int, before: flow.Current, after: flow.Current,
                       error: object, *, lang: str) -> None:
    if error is not None:
        await bot.send_message(chat_id, flow.error_text(before.question, error, lang))  # type: ignore[arg-type]
    await flow.show(bot, app, chat_id, after, lang)


async def _pressed(query: CallbackQuery, app: AppContext, response_id: int, index: int | None,
                   lang: str) -> flow.Current | None:
    """The current state if the press is for the current question of the current response; else stale."""
    async with app.sessions() as session:
        current = await flow.load(session, app, query.from_user.id)
    if current is None or current.progress.response.id != response_id or (index is not None and current.index != index):
        await query.answer(t("surveys.stale", lang), show_alert=True)
        return None
    return current


async def pick(query: CallbackQuery, callback_data: Pick, bot: Bot, app: AppContext, event_update: Update,
               lang: str) -> None:
    """An option button: the same as typing that option."""
    try:
        async with app.sessions() as session, session.begin():
            current = await flow.load(session, app, query.from_user.id)
            valid = (current is not None and current.progress.response.id == callback_data.r
                     and current.question is not None and current.index == callback_data.q)
            if valid:
                opts = options(current.question, current.progress.state, app.choice_sources, lang)
                valid = 0 <= callback_data.c < len(opts)
            if valid:
                await claim(session, bot.id, event_update.update_id)
                after, error = await flow.reply(session, app, current, opts[callback_data.c].raw, lang)
    except AlreadyProcessed:
        await query.answer()
        return
    if not valid:
        await query.answer(t("surveys.stale", lang), show_alert=True)
        return
    await query.answer(t("surveys.recorded", lang) if error is None else None)
    await _after_reply(bot, app, query.from_user.id, current, after, error, lang=lang)


async def toggle(query: CallbackQuery, callback_data: Toggle, app: AppContext, state: FSMContext, lang: str) -> None:
    """Tick or untick one option of a multiple choice; the keyboard shows the marks."""
    current = await _pressed(query, app, callback_data.r, callback_data.q, lang)
    if current is None:
        return
    opts = options(current.question, current.progress.state, app.choice_sources, lang)
    if not 0 <= callback_data.c < len(opts):
        await query.answer(t("surveys.stale", lang), show_alert=True)
        return
    ticked = set(await _ticked(state, callback_data.r, callback_data.q)) ^ {opts[callback_data.c].raw}
    data = (await state.get_data()).get(TICKED) or {}
    await state.update_data({TICKED: {**data, f"{callback_data.r}:{callback_data.q}": sorted(ticked)}})
    await query.answer()
    await query.message.edit_reply_markup(reply_markup=flow.keyboard(app, current, lang, frozenset(ticked)))


async def done(query: CallbackQuery, callback_data: Done, bot: Bot, app: AppContext, state: FSMContext,
               event_update: Update, lang: str) -> None:
    """Save the ticked options of a multiple choice as one answer."""
    if await _pressed(query, app, callback_data.r, callback_data.q, lang) is None:
        return
    ticked = sorted(await _ticked(state, callback_data.r, callback_data.q))
    try:
        async with app.sessions() as session, session.begin():
            current = await flow.load(session, app, query.from_user.id)
            await claim(session, bot.id, event_update.update_id)
            after, error = await flow.reply(session, app, current, ticked, lang)
    except AlreadyProcessed:
        await query.answer()
        return
    await query.answer(t("surveys.recorded", lang) if error is None else None)
    await _after_reply(bot, app, query.from_user.id, current, after, error, lang=lang)


async def _navigate(bot: Bot, app: AppContext, chat_id: int, user_id: int, action: str, update_id: int,
                    lang: str, expected: tuple[int, int] | None = None) -> str | None:
    """Skip or go back from the current question; returns a message key when refused."""
    try:
        async with app.sessions() as session, session.begin():
            current = await flow.load(session, app, user_id)
            if current is None or current.question is None:
                return "surveys.no_active" if current is None else "surveys.stale"
            if expected is not None and expected != (current.progress.response.id, current.index):
                return "surveys.stale"
            state = current.progress.state
            definition = current.progress.definition
            if action == "skip":
                if not can_skip(current.question):
                    return "surveys.cannot_skip"
                new_state = state.skip(current.question.name)
            else:
                new_state = step_back(definition, state, current.question.name)
                if new_state == state:
                    return "surveys.nothing_before"
            await claim(session, bot.id, update_id)
            after = await flow.save(session, app, current, new_state)
    except AlreadyProcessed:
        return None
    await flow.show(bot, app, chat_id, after, lang)
    return None


async def nav_button(query: CallbackQuery, callback_data: Nav, bot: Bot, app: AppContext, event_update: Update,
                     lang: str) -> None:
    """The skip and back buttons under a question."""
    refusal = await _navigate(bot, app, query.from_user.id, query.from_user.id, callback_data.a,
                              event_update.update_id, lang, expected=(callback_data.r, callback_data.q))
    await query.answer(t(refusal, lang) if refusal else None, show_alert=bool(refusal))


async def nav_command(message: Message, bot: Bot, app: AppContext, event_update: Update, lang: str) -> None:
    """/skip and /back typed while answering."""
    action = "skip" if message.text.startswith("/skip") else "back"
    refusal = await _navigate(bot, app, message.chat.id, message.from_user.id, action, event_update.update_id, lang)
    if refusal:
        await message.answer(t(refusal, lang))


async def cancel(message: Message, app: AppContext, lang: str) -> None:
    """/cancel: pause the survey; its answers stay for /start to continue."""
    async with app.sessions() as session, session.begin():
        participant = await participants.by_messenger_id(session, message.from_user.id)
        paused = participant is not None and await responses.pause(session, participant.id) is not None
    await message.answer(t("surveys.cancelled" if paused else "surveys.no_active", lang))


async def edit(query: CallbackQuery, callback_data: Edit, bot: Bot, app: AppContext, event_update: Update,
               lang: str) -> None:
    """An edit button on the review: ask that question again."""
    try:
        async with app.sessions() as session, session.begin():
            current = await flow.load(session, app, query.from_user.id)
            valid = (current is not None and current.question is None
                     and current.progress.response.id == callback_data.r
                     and 0 <= callback_data.q < len(current.progress.definition.questions))
            if valid:
                await claim(session, bot.id, event_update.update_id)
                name = current.progress.definition.questions[callback_data.q].name
                after = await flow.save(session, app, current, current.progress.state.clear(name))
    except AlreadyProcessed:
        await query.answer()
        return
    if not valid:
        await query.answer(t("surveys.stale", lang), show_alert=True)
        return
    await query.answer()
    await flow.show(bot, app, query.from_user.id, after, lang)


async def submit(query: CallbackQuery, callback_data: Submit, app: AppContext, lang: str) -> None:
    """Submit the reviewed response: it is completed and its problems become findings."""
    async with app.sessions() as session, session.begin():
        current = await flow.load(session, app, query.from_user.id)
        valid = current is not None and current.question is None and current.progress.response.id == callback_data.r
        if valid:
            await responses.complete(session, current.progress, current.participant)
    if not valid:
        await query.answer(t("surveys.stale", lang), show_alert=True)
        return
    await query.answer(t("surveys.recorded", lang))
    await query.message.answer(t("surveys.thanks", lang))


def router() -> Router:
    """The survey conversation."""
    r = Router(name="surveys")
    r.callback_query.register(open_survey, OpenSurvey.filter())
    r.callback_query.register(pick, Pick.filter())
    r.callback_query.register(toggle, Toggle.filter())
    r.callback_query.register(done, Done.filter())
    r.callback_query.register(nav_button, Nav.filter())
    r.callback_query.register(edit, Edit.filter())
    r.callback_query.register(submit, Submit.filter())
    r.message.register(nav_command, Command("skip", "back"))
    r.message.register(cancel, Command("cancel"))
    r.message.register(typed_reply, F.text & ~F.text.startswith("/"))
    return r
