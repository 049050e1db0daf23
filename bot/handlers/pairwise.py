"""Citizens rank problems two at a time: "Which matters more for your district?".

Reached from the home menu, from the offer after a completed survey, or by a deep link
(``/start rank``, ``/start rank_d05`` for one district). Ten pairs, then the current top five of the
district and of the city with "more". A pair's buttons stay, so an answer can be changed; the same
answer pressed again counts once.
"""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

from aiogram import Bot, F, Router
from aiogram.filters import CommandObject, CommandStart
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message, Update

from backend.context import AppContext
from backend.participants import onboarding as participant
from bot.guard import claim_of, guarded, pressed_on, sender_id
from bot.handlers import onboarding
from bot.i18n import t
from bot.lazy import lazy_module
from bot.meetings.render import shortened
from bot.pairwise import RankStart

if TYPE_CHECKING:
    from backend.pairwise import service as pairwise
else:
    pairwise = lazy_module("backend.pairwise.service")  # pandas and SciPy: loaded when someone first ranks

LINK = "rank"  # /start rank, /start rank_<district>
PICKED = "✓ "


class PairPick(CallbackData, prefix="pp"):
    """Pick ``p`` on the pair ``a`` (shown first) and ``b`` for district ``d``; ``n``: the pair's number."""

    d: str
    a: int
    b: int
    p: str
    n: int


class RankMore(CallbackData, prefix="pm"):
    """ "More": go on for district ``d`` after ``n`` pairs."""

    d: str
    n: int


def _district_name(app: AppContext, code: str, lang: str) -> str:
    district = app.plan.get("district", code)
    return district.name(lang) if district is not None else code


def _keyboard(pair: pairwise.Pair, n: int, lang: str) -> InlineKeyboardMarkup:
    def button(text: str, pick: str) -> InlineKeyboardButton:
        data = PairPick(d=pair.district, a=pair.first.id, b=pair.second.id, p=pick, n=n).pack()
        return InlineKeyboardButton(text=text, callback_data=data)

    return InlineKeyboardMarkup(
        inline_keyboard=[
            [button(shortened(pair.first.title), "first")],
            [button(shortened(pair.second.title), "second")],
            [button(t("pairwise.equal", lang), "equal"), button(t("pairwise.skip", lang), "skip")],
            [button(t("pairwise.unknown", lang), "unknown")],
        ]
    )


async def send_pair(bot: Bot, app: AppContext, chat_id: int, district: str, n: int, lang: str) -> None:
    """Pair number ``n`` for the citizen in their private chat ``chat_id`` (their messenger id), or the
    top when no pair is left."""
    pair = await pairwise.next_pair(app, chat_id, district)
    if pair is None:
        await bot.send_message(chat_id, t("pairwise.all_answered", lang))
        await send_top(bot, app, chat_id, district, n, lang, more=False)
        return
    text = t(
        "pairwise.question",
        lang,
        district=_district_name(app, district, lang),
        n=n,
        first=escape(pair.first.title),
        second=escape(pair.second.title),
    )
    await bot.send_message(chat_id, text, reply_markup=_keyboard(pair, n, lang))


def _listed(shown: list[pairwise.Shown], lang: str) -> str:
    if not shown:
        return t("pairwise.top_empty", lang)
    return "\n".join(t("pairwise.top_line", lang, place=i, title=escape(p.title)) for i, p in enumerate(shown, 1))


async def send_top(
    bot: Bot, app: AppContext, chat_id: int, district: str, n: int, lang: str, *, more: bool = True
) -> None:
    """The current top five of the district and of the city, with "more" when pairs are left."""
    top = await pairwise.top(app, district)
    text = t(
        "pairwise.top",
        lang,
        district=_district_name(app, district, lang),
        district_top=_listed(top.district, lang),
        city_top=_listed(top.city, lang),
    )
    button = InlineKeyboardButton(text=t("pairwise.more", lang), callback_data=RankMore(d=district, n=n).pack())
    await bot.send_message(
        chat_id, text, reply_markup=InlineKeyboardMarkup(inline_keyboard=[[button]]) if more else None
    )


@guarded
async def linked(
    message: Message, command: CommandObject, bot: Bot, app: AppContext, state: FSMContext, lang: str
) -> None:
    """``/start rank`` or ``/start rank_<district>``; a newcomer first joins as after any /start."""
    if await participant.find(app, sender_id(message)) is None:
        await onboarding.start(message, command, bot, app, state, lang)
        return
    code = (command.args or "").removeprefix(LINK).removeprefix("_") or None
    district = await pairwise.district_for(app, sender_id(message), code)
    await send_pair(bot, app, message.chat.id, district, 1, lang)


@guarded
async def started(query: CallbackQuery, callback_data: RankStart, bot: Bot, app: AppContext, lang: str) -> None:
    """The ranking button: pairs for the participant's own district."""
    district = await pairwise.district_for(app, sender_id(query), callback_data.d or None)
    await send_pair(bot, app, sender_id(query), district, 1, lang)  # a refusal answers the press instead
    await query.answer()


@guarded
async def picked(
    query: CallbackQuery, callback_data: PairPick, bot: Bot, app: AppContext, event_update: Update, lang: str
) -> None:
    """An answer on a pair: counted (and the next pair or the top), changed, or already counted."""
    data = callback_data
    outcome = await pairwise.answer(
        app, claim_of(bot, event_update), sender_id(query), (data.a, data.b), data.p, data.d
    )
    await query.answer(t(f"pairwise.{outcome}", lang))
    if outcome == pairwise.SAME:
        return
    await pressed_on(query).edit_reply_markup(reply_markup=_marked(pressed_on(query).reply_markup, query.data))
    if outcome == pairwise.CHANGED:
        return
    if data.n % pairwise.ROUND == 0:
        await send_top(bot, app, sender_id(query), data.d, data.n, lang)
    else:
        await send_pair(bot, app, sender_id(query), data.d, data.n + 1, lang)


def _marked(markup: InlineKeyboardMarkup | None, pressed: str | None) -> InlineKeyboardMarkup | None:
    """The pair's buttons with the pressed one marked as the answer given."""
    if markup is None:
        return None
    rows = [
        [
            button.model_copy(
                update={"text": (PICKED if button.callback_data == pressed else "") + button.text.removeprefix(PICKED)}
            )
            for button in row
        ]
        for row in markup.inline_keyboard
    ]
    return InlineKeyboardMarkup(inline_keyboard=rows)


@guarded
async def more(query: CallbackQuery, callback_data: RankMore, bot: Bot, app: AppContext, lang: str) -> None:
    """ "More": the next round of pairs."""
    await send_pair(bot, app, sender_id(query), callback_data.d, callback_data.n + 1, lang)
    await query.answer()
    await pressed_on(query).edit_reply_markup(reply_markup=None)


def router() -> Router:
    """The citizens' pairwise ranking."""
    r = Router(name="pairwise")
    r.message.register(linked, CommandStart(deep_link=True, magic=F.args.regexp(rf"^{LINK}(_[a-z0-9_]+)?$")))
    r.callback_query.register(started, RankStart.filter())
    r.callback_query.register(picked, PairPick.filter())
    r.callback_query.register(more, RankMore.filter())
    return r
