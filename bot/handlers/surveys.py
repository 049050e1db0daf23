"""Answering a survey: typed replies, button presses, /back, /skip, /cancel, review, submit. Each handler
parses its update, calls one use case of ``backend.surveys.answering`` and shows the result."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal

from aiogram import Bot, F, Router
from aiogram.dispatcher.event.bases import UNHANDLED
from aiogram.filters import Command
from aiogram.types import CallbackQuery, Message, Update

from backend.context import AppContext
from backend.surveys import answering
from backend.surveys.answering import Answered, Current, Stale
from backend.surveys.engine import Raw
from bot.guard import claim_of, guarded, pressed_on, sender_id
from bot.i18n import t
from bot.meetings import access
from bot.pairwise import offer as ranking_offer
from bot.surveys import files, flow
from bot.surveys.callbacks import Done, Edit, Nav, OpenSurvey, Pick, Submit, Toggle
from bot.surveys.render import options, ticked_options
from bot.surveys.starting import begin_survey


def _option(app: AppContext, lang: str, c: int) -> Callable[[Current], str | None]:
    """The reply a press on option ``c`` of the current question stands for; None if it has no such option."""

    def chosen(current: Current) -> str | None:
        opts = options(current.question, current.progress.state, app.choice_sources, lang)  # type: ignore[arg-type]
        return opts[c].raw if 0 <= c < len(opts) else None

    return chosen


def _ticked(app: AppContext, lang: str, mask: int) -> Callable[[Current], frozenset[str] | None]:
    """The options of the current question that ``mask`` ticks (``render.ticked_options``)."""

    def chosen(current: Current) -> frozenset[str] | None:
        return ticked_options(options(current.question, current.progress.state, app.choice_sources, lang), mask)  # type: ignore[arg-type]

    return chosen


async def _stale(query: CallbackQuery, lang: str) -> None:
    await query.answer(t("surveys.stale", lang), show_alert=True)


async def _after_reply(bot: Bot, app: AppContext, chat_id: int, answered: Answered, lang: str) -> None:
    if answered.invalid is not None:
        question = answered.before.question
        assert question is not None
        await bot.send_message(chat_id, flow.error_text(question, answered.invalid, lang))
    await flow.show(bot, app, chat_id, answered.after, lang)


async def _answered(query: CallbackQuery, bot: Bot, app: AppContext, lang: str, result: Answered | Stale) -> None:
    if isinstance(result, Stale):
        await _stale(query, lang)
        return
    await query.answer(t("surveys.recorded", lang) if result.invalid is None else None)
    await _after_reply(bot, app, sender_id(query), result, lang)


async def _shown(query: CallbackQuery, bot: Bot, app: AppContext, lang: str, result: Current | Stale) -> None:
    if isinstance(result, Stale):
        await _stale(query, lang)
        return
    await query.answer()
    await flow.show(bot, app, sender_id(query), result, lang)


async def outdated_press(query: CallbackQuery, bot: Bot, app: AppContext, lang: str) -> None:
    """A press on a question's buttons whose data has an older form (a keyboard sent by an earlier
    release): it is not taken as an answer; the respondent is told and the question they are at is
    shown again, with buttons that work."""
    await query.answer(t("surveys.outdated", lang), show_alert=True)
    current = await answering.where(app, sender_id(query))
    if current is not None:
        await flow.show(bot, app, sender_id(query), current, lang)


async def open_survey(query: CallbackQuery, callback_data: OpenSurvey, bot: Bot, app: AppContext, lang: str) -> None:
    """A survey button on the home list: start it or continue it."""
    await query.answer()
    await begin_survey(bot, app, sender_id(query), sender_id(query), lang, survey_id=callback_data.s)


@guarded
async def typed_reply(message: Message, bot: Bot, app: AppContext, event_update: Update, lang: str) -> None:
    """A typed answer to the current question; a bad one gets what is expected and the question again."""
    await _typed(message, bot, app, event_update, lang)


@guarded
async def typed_answer(message: Message, bot: Bot, app: AppContext, event_update: Update, lang: str) -> None:
    """``typed_reply`` before the routers are tried (``bot.answers``): ``answering.Engaged``, with nothing
    changed, when the sender's meeting or forum takes what they type."""
    await _typed(message, bot, app, event_update, lang, unless_engaged=True)


async def _typed(
    message: Message, bot: Bot, app: AppContext, update: Update, lang: str, *, unless_engaged: bool = False
) -> None:
    text = message.text or ""
    result = await answering.answer(
        app,
        claim_of(bot, update),
        sender_id(message),
        answering.asking,
        lambda _: text,
        lang,
        raw_text=message.text,
        unless_engaged=unless_engaged,
    )
    if isinstance(result, Answered):
        await _after_reply(bot, app, message.chat.id, result, lang)
    elif result.current is None:  # no survey at all
        await message.answer(await access.closed_notice(app, sender_id(message), lang) or t("surveys.no_active", lang))
    else:  # at the review
        await flow.show(bot, app, message.chat.id, result.current, lang)


async def shared_reply(message: Message, bot: Bot, app: AppContext, event_update: Update, lang: str) -> Any:
    """A location, venue, photo, voice, audio, video or document sent while answering: the answer to a
    geopoint or file question (a file is downloaded first); to any other question, what it expects."""
    current = await answering.where(app, sender_id(message))
    if current is None or current.question is None:
        return UNHANDLED  # not answering: the fallback says what the bot takes
    raw = await files.received(bot, message, current.question, app.settings.data_dir)
    await _shared_answer(message, bot, app, event_update, current.question.name, raw, lang=lang)
    return None


@guarded
async def _shared_answer(
    message: Message, bot: Bot, app: AppContext, update: Update, asked: str, raw: Raw, lang: str
) -> None:
    """Record what was shared as the answer to ``asked``, if the response is still at that question."""
    result = await answering.answer(
        app,
        claim_of(bot, update),
        sender_id(message),
        lambda now: now.question is not None and now.question.name == asked,
        lambda _: raw,
        lang,
    )
    if isinstance(result, Stale):
        await message.answer(t("surveys.stale", lang))
    else:
        await _after_reply(bot, app, message.chat.id, result, lang)


@guarded
async def pick(
    query: CallbackQuery, callback_data: Pick, bot: Bot, app: AppContext, event_update: Update, lang: str
) -> None:
    """An option button: the same as typing that option (a ranking's only at the place it was shown for)."""
    fresh = answering.at(callback_data.r, callback_data.q, place=callback_data.n)
    result = await answering.answer(
        app, claim_of(bot, event_update), sender_id(query), fresh, _option(app, lang, callback_data.c), lang
    )
    await _answered(query, bot, app, lang, result)


async def toggle(query: CallbackQuery, callback_data: Toggle, app: AppContext, lang: str) -> None:
    """Tick or untick one option of a multiple choice; only the keyboard changes until "save" (the ticks
    travel in the buttons, so a repeated press shows the same)."""
    current = await answering.where(app, sender_id(query))
    ticked = None
    if current is not None and callback_data.c >= 0 and answering.at(callback_data.r, callback_data.q)(current):
        ticked = _ticked(app, lang, callback_data.m ^ 1 << callback_data.c)(current)
    if current is None or ticked is None:
        await _stale(query, lang)
        return
    await query.answer()
    await pressed_on(query).edit_reply_markup(reply_markup=flow.keyboard(app, current, lang, ticked))


@guarded
async def done(
    query: CallbackQuery, callback_data: Done, bot: Bot, app: AppContext, event_update: Update, lang: str
) -> None:
    """Save the options ticked when "save" was shown as one answer."""
    ticked = _ticked(app, lang, callback_data.m)
    result = await answering.answer(
        app,
        claim_of(bot, event_update),
        sender_id(query),
        answering.at(callback_data.r, callback_data.q),
        lambda current: None if (chosen := ticked(current)) is None else sorted(chosen),
        lang,
    )
    await _answered(query, bot, app, lang, result)


@guarded
async def nav_button(
    query: CallbackQuery, callback_data: Nav, bot: Bot, app: AppContext, event_update: Update, lang: str
) -> None:
    """The skip and back buttons under a question."""
    action: Literal["skip", "back"] = "skip" if callback_data.a == "skip" else "back"
    result = await answering.navigate(
        app, claim_of(bot, event_update), sender_id(query), answering.at(callback_data.r, callback_data.q), action
    )
    await _shown(query, bot, app, lang, result)


@guarded
async def nav_command(message: Message, bot: Bot, app: AppContext, event_update: Update, lang: str) -> None:
    """/skip and /back typed while answering."""
    action: Literal["skip", "back"] = "skip" if (message.text or "").startswith("/skip") else "back"
    result = await answering.navigate(app, claim_of(bot, event_update), sender_id(message), answering.asking, action)
    if isinstance(result, Stale):
        await message.answer(t("surveys.no_active", lang))
    else:
        await flow.show(bot, app, message.chat.id, result, lang)


async def cancel(message: Message, app: AppContext, lang: str) -> None:
    """/cancel: pause the survey; its answers stay for /start to continue."""
    paused = await answering.pause(app, sender_id(message))
    await message.answer(t("surveys.cancelled" if paused else "surveys.no_active", lang))


@guarded
async def edit(
    query: CallbackQuery, callback_data: Edit, bot: Bot, app: AppContext, event_update: Update, lang: str
) -> None:
    """An edit button on the review: ask that question again."""
    result = await answering.edit(app, claim_of(bot, event_update), sender_id(query), callback_data.r, callback_data.q)
    await _shown(query, bot, app, lang, result)


@guarded
async def submit(
    query: CallbackQuery, callback_data: Submit, bot: Bot, app: AppContext, event_update: Update, lang: str
) -> None:
    """Submit the reviewed response: it is completed and its problems become findings."""
    result = await answering.submit(app, claim_of(bot, event_update), sender_id(query), callback_data.r)
    if isinstance(result, Stale):
        await _stale(query, lang)
        return
    await query.answer(t("surveys.recorded", lang))
    await pressed_on(query).answer(t("surveys.thanks", lang))
    text, markup = ranking_offer(lang)
    await pressed_on(query).answer(text, reply_markup=markup)


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
    r.message.register(
        shared_reply, F.location | F.venue | F.photo | F.document | F.voice | F.audio | F.video | F.video_note
    )
    return r
