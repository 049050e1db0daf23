"""Members vote on agenda items with inline buttons; a rejection may need a typed reason."""

from __future__ import annotations

from html import escape
from aiogram import Bot, F, Router
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message

from backend.models import AgendaItem
from backend.services import participants
from backend.voting import service as voting
from backend.voting.service import VoteRefused
from bot.context import AppContext
from bot.i18n import t
from bot.voting.callbacks import VoteButton
from bot.voting.render import CHOICES, explanation_text, item_keyboard

ITEM = "vote_item"
MESSAGE = "vote_message"


class Typing(StatesGroup):
    """A member is typing a rejection reason or a comment for one item."""

    reason = State()
    comment = State()


async def _cast(app: AppContext, user_id: int, item_id: int, choice: str, reason: str | None = None) -> str | None:
    """Cast the vote; None when recorded, else the refusal code."""
    try:
        async with app.sessions() as session, session.begin():
            member = await participants.by_messenger_id(session, user_id)
            if member is None:
                raise VoteRefused("not_member")
            await voting.cast(session, app.plan, item_id=item_id, participant=member, choice=choice, reason=reason)
    except VoteRefused as refused:
        return refused.code
    return None


async def _item(app: AppContext, item_id: int) -> AgendaItem | None:
    async with app.sessions() as session:
        return await session.get(AgendaItem, item_id)


async def pressed(query: CallbackQuery, callback_data: VoteButton, bot: Bot, app: AppContext, state: FSMContext,
                  lang: str) -> None:
    """Approve and abstain count at once; reject may ask for a reason; comment and why? open their texts."""
    item_id, action = callback_data.i, callback_data.a
    item = await _item(app, item_id)
    if item is None:
        await query.answer(t("voting.refused.unknown_item", lang), show_alert=True)
        return
    if action == "why":
        await query.answer()
        await bot.send_message(query.from_user.id, explanation_text(app.plan, item, lang))
        return
    title = item.explanation.get("title", "")
    if action in CHOICES:
        refusal = await _cast(app, query.from_user.id, item_id, action)
        if refusal is None:
            await query.answer(t("voting.recorded", lang, choice=t(f"voting.{action}", lang)))
            await query.message.edit_reply_markup(reply_markup=item_keyboard(item_id, action, lang))
            return
        if refusal != "needs_reason":
            await query.answer(t(f"voting.refused.{refusal}", lang), show_alert=True)
            return
        await state.set_state(Typing.reason)
    elif action == "comment":
        await state.set_state(Typing.comment)
    else:
        await query.answer(t("voting.refused.bad_choice", lang), show_alert=True)
        return
    await state.update_data({ITEM: item_id, MESSAGE: query.message.message_id})
    await query.answer()
    prompt = "voting.reason_prompt" if action == "reject" else "voting.comment_prompt"
    await bot.send_message(query.from_user.id, t(prompt, lang, title=escape(title)))


async def reason_typed(message: Message, bot: Bot, app: AppContext, state: FSMContext, lang: str) -> None:
    """The typed reason completes a rejection; the item's message then shows the vote."""
    data = await state.get_data()
    await state.set_state(None)
    refusal = await _cast(app, message.from_user.id, data[ITEM], "reject", reason=message.text)
    if refusal is not None:
        await message.answer(t(f"voting.refused.{refusal}", lang))
        return
    await message.answer(t("voting.recorded", lang, choice=t("voting.reject", lang)))
    await bot.edit_message_reply_markup(chat_id=message.chat.id, message_id=data[MESSAGE],
                                        reply_markup=item_keyboard(data[ITEM], "reject", lang))


async def comment_typed(message: Message, app: AppContext, state: FSMContext, lang: str) -> None:
    """A member's comment on an item, kept in the audit log beside the votes."""
    data = await state.get_data()
    await state.set_state(None)
    async with app.sessions() as session, session.begin():
        member = await participants.by_messenger_id(session, message.from_user.id)
        refusal = await voting.comment(session, item_id=data[ITEM], participant=member, text=message.text or "")
    await message.answer(t(f"voting.refused.{refusal}" if refusal else "voting.comment_saved", lang))


def router() -> Router:
    """Vote buttons and the texts they ask for."""
    r = Router(name="voting")
    r.callback_query.register(pressed, VoteButton.filter())
    r.message.register(reason_typed, Typing.reason, F.text & ~F.text.startswith("/"))
    r.message.register(comment_typed, Typing.comment, F.text & ~F.text.startswith("/"))
    return r
