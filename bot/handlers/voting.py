"""Members vote on agenda items with inline buttons; a rejection may need a typed reason.

A prompt for a reason or a comment is disarmed by any command (``/cancel`` says so, others go on
to their own handler) and lapses with the item's agenda: the member is told, and what they sent is
handled as any other message.
"""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.dispatcher.event.bases import SkipHandler
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message, Update

from backend.context import AppContext
from backend.models import AgendaItem
from backend.voting import members as voting
from bot.fitting import TEXT_MAX, pieces, rest, send_parts
from bot.guard import claim_of, guarded, pressed_on, sender_id
from bot.i18n import t
from bot.meetings.render import snippet
from bot.voting.callbacks import VoteButton
from bot.voting.render import CHOICES, explanation_text, item_heading, item_keyboard, item_message, item_text

ITEM = "vote_item"
MESSAGE = "vote_message"
READING = ("why", "more", "comment")  # buttons that show a member something, or ask them to write


class Typing(StatesGroup):
    """A member is typing a rejection reason or a comment for one item."""

    reason = State()
    comment = State()


def _keyboard(app: AppContext, item: AgendaItem, choice: str, lang: str) -> InlineKeyboardMarkup:
    return item_keyboard(item.id, choice, lang, more=item_message(app.plan, item, lang)[1])


@guarded
async def pressed(
    query: CallbackQuery,
    callback_data: VoteButton,
    bot: Bot,
    app: AppContext,
    event_update: Update,
    state: FSMContext,
    lang: str,
) -> None:
    """Approve and abstain count at once; reject may ask for a reason; the others are for members only."""
    item_id, action = callback_data.i, callback_data.a
    if action not in CHOICES and action not in READING:
        await query.answer(t("voting.refused.bad_choice", lang), show_alert=True)
        return
    if action in CHOICES:
        cast = await voting.cast_vote(app, claim_of(bot, event_update), sender_id(query), item_id, action)
        if not cast.reason_needed:
            await query.answer(t("voting.recorded", lang, choice=t(f"voting.{action}", lang)))
            if cast.changed:  # the same choice again: message left as is
                await pressed_on(query).edit_reply_markup(reply_markup=_keyboard(app, cast.item, action, lang))
            return
        item = cast.item
    else:
        item = await voting.read_item(app, sender_id(query), item_id, open_only=action == "comment")
    await query.answer()
    if action == "why":
        await send_parts(bot, sender_id(query), pieces(explanation_text(app.plan, item, lang), TEXT_MAX))
        return
    if action == "more":
        await send_parts(bot, sender_id(query), rest(item_text(app.plan, item, lang), TEXT_MAX))
        return
    await state.set_state(Typing.reason if action == "reject" else Typing.comment)
    await state.update_data({ITEM: item_id, MESSAGE: pressed_on(query).message_id})
    prompt = "voting.reason_prompt" if action == "reject" else "voting.comment_prompt"
    await bot.send_message(sender_id(query), t(prompt, lang, item=item_heading(item, lang)))


async def _prompted_item(message: Message, app: AppContext, state: FSMContext, lang: str) -> AgendaItem:
    """The item the prompt is for. If its agenda has closed, the prompt lapses: the member is told,
    and the message goes on to be handled as any other."""
    found = await voting.prompted(app, (await state.get_data())[ITEM])
    if found.item is None or not found.accepting:
        await state.set_state(None)
        if found.item is not None:
            await message.answer(t("voting.prompt_lapsed", lang, item=item_heading(found.item, lang)))
        raise SkipHandler
    return found.item


@guarded
async def reason_typed(
    message: Message, bot: Bot, app: AppContext, event_update: Update, state: FSMContext, lang: str
) -> None:
    """The typed reason completes a rejection; the member sees what it was saved for."""
    item = await _prompted_item(message, app, state, lang)
    data = await state.get_data()
    await state.set_state(None)
    await voting.cast_vote(app, claim_of(bot, event_update), sender_id(message), item.id, "reject", reason=message.text)
    await message.answer(
        t(
            "voting.reason_saved",
            lang,
            choice=t("voting.reject", lang),
            item=item_heading(item, lang),
            reason=snippet(message.text),
        )
    )
    await bot.edit_message_reply_markup(
        chat_id=message.chat.id, message_id=data[MESSAGE], reply_markup=_keyboard(app, item, "reject", lang)
    )


@guarded
async def comment_typed(
    message: Message, bot: Bot, app: AppContext, event_update: Update, state: FSMContext, lang: str
) -> None:
    """A member's comment on an item, kept in the audit log beside the votes."""
    item = await _prompted_item(message, app, state, lang)
    await state.set_state(None)
    await voting.comment(app, claim_of(bot, event_update), sender_id(message), item.id, message.text or "")
    await message.answer(t("voting.comment_saved", lang))


async def cancelled(message: Message, app: AppContext, state: FSMContext, lang: str) -> None:
    """/cancel while a prompt waits: nothing is recorded, and the member is told so."""
    item = (await voting.prompted(app, (await state.get_data())[ITEM])).item
    await state.set_state(None)
    await message.answer(t("voting.prompt_cancelled", lang, item=item_heading(item, lang) if item else "—"))


async def disarmed(message: Message, state: FSMContext) -> None:
    """Any other command while a prompt waits: the prompt is dropped and the command runs as usual."""
    await state.set_state(None)
    raise SkipHandler


def router() -> Router:
    """Vote buttons and the texts they ask for."""
    r = Router(name="voting")
    r.callback_query.register(pressed, VoteButton.filter())
    typing = StateFilter(Typing.reason, Typing.comment)
    r.message.register(cancelled, typing, Command("cancel"))
    r.message.register(disarmed, typing, F.text.startswith("/"))
    r.message.register(reason_typed, Typing.reason, F.text & ~F.text.startswith("/"))
    r.message.register(comment_typed, Typing.comment, F.text & ~F.text.startswith("/"))
    return r
