"""What the votes send, always through the outbox: agendas, reminders, results, admin flags.

Every message has a dedupe key built from the agenda, the member and the occasion, so running
a job twice (a restart, a second process) never sends anything twice.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from aiogram.types import InlineKeyboardMarkup
from sqlalchemy.ext.asyncio import AsyncSession

from backend.models import Agenda, Participant
from backend.voting import service as voting
from backend.services.outbox import Outgoing, enqueue_many
from backend.voting.service import AgendaClosing
from bot.context import AppContext
from bot.i18n import t
from bot.voting.render import body_name, deadline_text, header, item_keyboard, item_text


def _message(key: str, chat_id: int, text: str, markup: InlineKeyboardMarkup | None = None) -> Outgoing:
    payload: dict[str, Any] = {"text": text, "parse_mode": "HTML"}
    if markup is not None:
        payload["reply_markup"] = markup.model_dump(mode="json", exclude_none=True)
    return Outgoing(key, chat_id, "sendMessage", payload)


async def push_agenda(session: AsyncSession, app: AppContext, agenda: Agenda) -> int:
    """Each member gets the header and one message per item with the vote buttons."""
    await session.refresh(agenda, ["items"])
    messages = []
    for member in await voting.members(session, agenda.body):
        lang, chat = member.language, member.telegram_id
        assert chat is not None
        base = f"agenda:{agenda.id}:member:{member.id}"
        messages.append(_message(f"{base}:header", chat, header(app.plan, agenda, len(agenda.items), lang)))
        messages += [_message(f"{base}:item:{item.id}", chat, item_text(app.plan, item, lang),
                              item_keyboard(item.id, None, lang)) for item in agenda.items]
    return await enqueue_many(session, messages)


async def remind(session: AsyncSession, app: AppContext, now: datetime) -> int:
    """Members who have not voted on everything get each reminder the body's rules set, once."""
    messages = []
    for body in app.plan.bodies:
        agenda = await voting.open_agenda_of(session, body.code)
        if agenda is None:
            continue
        await session.refresh(agenda, ["items"])
        due = [h for h in body.reminder_hours_before_deadline
               if (agenda.deadline - now).total_seconds() <= h * 3600 and now < agenda.deadline]
        if not due:
            continue
        hours = min(due)
        for member in await voting.non_voters(session, agenda):
            assert member.telegram_id is not None
            text = t("voting.reminder", member.language, body=body_name(app.plan, body.code, member.language),
                     deadline=deadline_text(agenda, member.language))
            messages.append(_message(f"agenda:{agenda.id}:reminder:{hours}:member:{member.id}", member.telegram_id,
                                     text))
    return await enqueue_many(session, messages)


async def announce(session: AsyncSession, app: AppContext, closing: AgendaClosing) -> int:
    """Tell the members what their body decided (or that voting was extended); flag no quorum to admins."""
    agenda = closing.agenda
    members: list[Participant] = await voting.members(session, agenda.body)
    outcomes = [d.outcome for d in closing.decisions]
    occasion = f"agenda:{agenda.id}:{closing.action}:{int(agenda.deadline.timestamp())}"
    messages = []
    for member in members:
        lang = member.language
        if closing.action == "extended":
            text = t("voting.extended", lang, body=body_name(app.plan, agenda.body, lang),
                     deadline=deadline_text(agenda, lang))
        else:
            text = t("voting.result", lang, body=body_name(app.plan, agenda.body, lang),
                     approved=outcomes.count("approved"), rejected=outcomes.count("rejected"),
                     no_quorum=outcomes.count("no_quorum"))
        messages.append(_message(f"{occasion}:member:{member.id}", member.telegram_id or 0, text))
    if outcomes.count("no_quorum"):
        for admin in app.settings.admin_ids:
            text = t("voting.no_quorum_admin", "fa", body=body_name(app.plan, agenda.body, "fa"),
                     count=outcomes.count("no_quorum"))
            messages.append(_message(f"{occasion}:admin:{admin}", admin, text))
    return await enqueue_many(session, messages)
