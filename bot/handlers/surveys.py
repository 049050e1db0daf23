"""Answering a survey: typed replies, button presses, /back, /skip, /cancel, review, submit."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from aiogram import Bot, F, Router
from aiogram.dispatcher.event.bases import UNHANDLED
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message, Update
from sqlalchemy.ext.asyncio import AsyncSession

from backend.context import AppContext
from backend.errors import Refused
from backend.services import participants, responses
from backend.services.updates import AlreadyProcessed, claim
from backend.surveys.engine import Invalid, SurveyState, can_skip, step_back
from bot.i18n import t
from bot.meetings import access
from bot.surveys import files, flow
from bot.surveys.callbacks import Done, Edit, Nav, OpenSurvey, Pick, Submit, Toggle
from bot.surveys.render import options, picked
from bot.surveys.starting import begin_survey

TICKED = "ticked"
T = TypeVar("T")
Reply = tuple[flow.Current, Invalid | None]


async def _ticked(state: FSMContext, response_id: int, index: int) -> frozenset[str]:
    data = (await state.get_data()).get(TICKED) or {}
    return frozenset(data.get(f"{response_id}:{index}", []))


def _at(response_id: int, index: int) -> Callable[[flow.Current], bool]:
    """A press is fresh only for the current question of the response being answered."""
    return lambda current: current.progress.response.id == response_id and current.index == index


def _option(current: flow.Current, app: AppContext, lang: str, c: int) -> str | None:
    opts = options(current.question, current.progress.state, app.choice_sources, lang)  # type: ignore[arg-type]
    return opts[c].raw if 0 <= c < len(opts) else None


async def _claimed(app: AppContext, bot: Bot, user_id: int, update_id: int,
                   fresh: Callable[[flow.Current], bool],
                   work: Callable[[AsyncSession, flow.Current], Awaitable[T]]) -> tuple[flow.Current, T] | None:
    """Run ``work`` on the user's current question in one transaction that claims the update.

    None if the user answers nothing now or ``fresh`` refuses; AlreadyProcessed for a repeat.
    """
    async with app.write_turn(), app.sessions() as session, session.begin():
        await claim(session, bot.id, update_id)  # first: a repeated delivery is only ever answered once
        current = await flow.load(session, app, user_id)
        if current is None or not fresh(current):
            return None
        return current, await work(session, current)


async def _press(query: CallbackQuery, app: AppContext, bot: Bot, update: Update, lang: str,
                 fresh: Callable[[flow.Current], bool],
                 work: Callable[[AsyncSession, flow.Current], Awaitable[T]]) -> tuple[flow.Current, T] | None:
    """A button press; a stale one is told "this question has passed", a repeated update nothing
    (its first delivery was answered)."""
    try:
        done = await _claimed(app, bot, query.from_user.id, update.update_id, fresh, work)
    except AlreadyProcessed:
        return None
    except Refused as refusal:
        await query.answer(t(refusal.key, lang, **refusal.params), show_alert=True)
        return None
    if done is None:
        await query.answer(t("surveys.stale", lang), show_alert=True)
    return done


async def _after_reply(bot: Bot, app: AppContext, chat_id: int, before: flow.Current, reply: Reply,
                       lang: str) -> None:
    after, error = reply
    if error is not None:
        await bot.send_message(chat_id, flow.error_text(before.question, error, lang))  # type: ignore[arg-type]
    await flow.show(bot, app, chat_id, after, lang)


async def _answered(query: CallbackQuery, bot: Bot, app: AppContext, lang: str,
                    pressed: tuple[flow.Current, Reply] | None) -> None:
    if pressed is None:
        return
    before, reply = pressed
    await query.answer(t("surveys.recorded", lang) if reply[1] is None else None)
    await _after_reply(bot, app, query.from_user.id, before, reply, lang)


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

    async def work(session: AsyncSession, current: flow.Current) -> Reply:
        return await flow.reply(session, app, current, message.text or "", lang, raw_text=message.text)

    try:
        done = await _claimed(app, bot, message.from_user.id, event_update.update_id,
                              lambda current: current.question is not None, work)
    except AlreadyProcessed:
        return
    if done is not None:
        await _after_reply(bot, app, message.chat.id, done[0], done[1], lang)
        return
    async with app.sessions() as session:  # nothing to answer: at the review, or no survey at all
        current = await flow.load(session, app, message.from_user.id)
    if current is None:
        await message.answer(await access.closed_notice(app, message.from_user.id, lang)
                             or t("surveys.no_active", lang))
    else:
        await flow.show(bot, app, message.chat.id, current, lang)


async def shared_reply(message: Message, bot: Bot, app: AppContext, event_update: Update, lang: str) -> Any:
    """A location, venue, photo, voice, audio, video or document sent while answering: the answer to a
    geopoint or file question (a file is downloaded first); to any other question, what it expects."""
    async with app.sessions() as session:
        current = await flow.load(session, app, message.from_user.id)
    if current is None or current.question is None:
        return UNHANDLED  # not answering: the fallback says what the bot takes
    asked = current.question.name
    raw = await files.received(bot, message, current.question, app.settings.data_dir)

    async def work(session: AsyncSession, now: flow.Current) -> Reply:
        return await flow.reply(session, app, now, raw, lang)

    def fresh(now: flow.Current) -> bool:
        return now.question is not None and now.question.name == asked

    try:
        done = await _claimed(app, bot, message.from_user.id, event_update.update_id, fresh, work)
    except AlreadyProcessed:
        return
    if done is None:
        await message.answer(t("surveys.stale", lang))
    else:
        await _after_reply(bot, app, message.chat.id, done[0], done[1], lang)


async def pick(query: CallbackQuery, callback_data: Pick, bot: Bot, app: AppContext, event_update: Update,
               lang: str) -> None:
    """An option button: the same as typing that option."""
    at = _at(callback_data.r, callback_data.q)

    def fresh(current: flow.Current) -> bool:  # a ranking's button counts only at the place it was shown for
        return (at(current) and picked(current.question, current.progress.state) == callback_data.n  # type: ignore[arg-type]
                and _option(current, app, lang, callback_data.c) is not None)

    async def work(session: AsyncSession, current: flow.Current) -> Reply:
        return await flow.reply(session, app, current, _option(current, app, lang, callback_data.c) or "", lang)

    await _answered(query, bot, app, lang, await _press(query, app, bot, event_update, lang, fresh, work))


async def toggle(query: CallbackQuery, callback_data: Toggle, app: AppContext, state: FSMContext, lang: str) -> None:
    """Tick or untick one option of a multiple choice; only the keyboard changes until "save"."""
    async with app.sessions() as session:
        current = await flow.load(session, app, query.from_user.id)
    raw = None
    if current is not None and _at(callback_data.r, callback_data.q)(current):
        raw = _option(current, app, lang, callback_data.c)
    if current is None or raw is None:
        await query.answer(t("surveys.stale", lang), show_alert=True)
        return
    ticked = set(await _ticked(state, callback_data.r, callback_data.q)) ^ {raw}
    data = (await state.get_data()).get(TICKED) or {}
    await state.update_data({TICKED: {**data, f"{callback_data.r}:{callback_data.q}": sorted(ticked)}})
    await query.answer()
    await query.message.edit_reply_markup(reply_markup=flow.keyboard(app, current, lang, frozenset(ticked)))


async def done(query: CallbackQuery, callback_data: Done, bot: Bot, app: AppContext, state: FSMContext,
               event_update: Update, lang: str) -> None:
    """Save the ticked options of a multiple choice as one answer."""
    ticked = sorted(await _ticked(state, callback_data.r, callback_data.q))

    async def work(session: AsyncSession, current: flow.Current) -> Reply:
        return await flow.reply(session, app, current, ticked, lang)

    at = _at(callback_data.r, callback_data.q)
    await _answered(query, bot, app, lang, await _press(query, app, bot, event_update, lang, at, work))


def _navigation(app: AppContext, action: str) -> Callable[[AsyncSession, flow.Current], Awaitable[flow.Current]]:
    """Skip the current question or go back one; Refused when the question does not allow it."""

    async def work(session: AsyncSession, current: flow.Current) -> flow.Current:
        question, state = current.question, current.progress.state
        assert question is not None
        new_state: SurveyState
        if action == "skip":
            if not can_skip(question):
                raise Refused("surveys.cannot_skip")
            new_state = state.skip(question.name)
        else:
            new_state = step_back(current.progress.definition, state, question.name)
            if new_state == state:
                raise Refused("surveys.nothing_before")
        return await flow.save(session, app, current, new_state)

    return work


async def nav_button(query: CallbackQuery, callback_data: Nav, bot: Bot, app: AppContext, event_update: Update,
                     lang: str) -> None:
    """The skip and back buttons under a question."""
    work = _navigation(app, callback_data.a)
    pressed = await _press(query, app, bot, event_update, lang, _at(callback_data.r, callback_data.q), work)
    if pressed is not None:
        await query.answer()
        await flow.show(bot, app, query.from_user.id, pressed[1], lang)


async def nav_command(message: Message, bot: Bot, app: AppContext, event_update: Update, lang: str) -> None:
    """/skip and /back typed while answering."""
    work = _navigation(app, "skip" if (message.text or "").startswith("/skip") else "back")
    try:
        done = await _claimed(app, bot, message.from_user.id, event_update.update_id,
                              lambda current: current.question is not None, work)
    except AlreadyProcessed:
        return
    except Refused as refusal:
        await message.answer(t(refusal.key, lang, **refusal.params))
        return
    if done is None:
        await message.answer(t("surveys.no_active", lang))
    else:
        await flow.show(bot, app, message.chat.id, done[1], lang)


async def cancel(message: Message, app: AppContext, lang: str) -> None:
    """/cancel: pause the survey; its answers stay for /start to continue."""
    async with app.sessions() as session, session.begin():
        participant = await participants.by_messenger_id(session, message.from_user.id)
        paused = participant is not None and await responses.pause(session, participant.id) is not None
    await message.answer(t("surveys.cancelled" if paused else "surveys.no_active", lang))


def _at_review(response_id: int) -> Callable[[flow.Current], bool]:
    return lambda current: current.question is None and current.progress.response.id == response_id


async def edit(query: CallbackQuery, callback_data: Edit, bot: Bot, app: AppContext, event_update: Update,
               lang: str) -> None:
    """An edit button on the review: ask that question again."""
    at_review = _at_review(callback_data.r)

    def fresh(current: flow.Current) -> bool:
        return at_review(current) and 0 <= callback_data.q < len(current.asked)

    async def work(session: AsyncSession, current: flow.Current) -> flow.Current:
        name = current.asked[callback_data.q].name
        return await flow.save(session, app, current, current.progress.state.clear(name))

    pressed = await _press(query, app, bot, event_update, lang, fresh, work)
    if pressed is not None:
        await query.answer()
        await flow.show(bot, app, query.from_user.id, pressed[1], lang)


async def submit(query: CallbackQuery, callback_data: Submit, bot: Bot, app: AppContext, event_update: Update,
                 lang: str) -> None:
    """Submit the reviewed response: it is completed and its problems become findings."""

    async def work(session: AsyncSession, current: flow.Current) -> None:
        await responses.complete(session, current.progress, current.participant)

    if await _press(query, app, bot, event_update, lang, _at_review(callback_data.r), work) is not None:
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
    r.message.register(shared_reply, F.location | F.venue | F.photo | F.document | F.voice | F.audio | F.video
                       | F.video_note)
    return r
