"""What the votes send, always through the outbox: agendas, reminders, results, admin flags.

Every message has a dedupe key built from the agenda, the member and the occasion, so running
a job twice (a restart, a second process) never sends anything twice.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from aiogram.types import InlineKeyboardMarkup
from sqlalchemy.ext.asyncio import AsyncSession

from backend.context import AppContext
from backend.locales import localize_digits
from backend.models import Agenda, Participant
from backend.participants import service as participants
from backend.services.outbox import Outgoing, enqueue_many
from backend.voting import service as voting
from backend.voting.service import AgendaClosing
from bot.i18n import t
from bot.voting.render import body_name, deadline_text, header, item_keyboard, item_message


def _message(key: str, chat_id: int, text: str, markup: InlineKeyboardMarkup | None = None) -> Outgoing:
    payload: dict[str, Any] = {"text": text, "parse_mode": "HTML"}
    if markup is not None:
        payload["reply_markup"] = markup.model_dump(mode="json", exclude_none=True)
    return Outgoing(key, chat_id, "sendMessage", payload)


async def push_agenda(session: AsyncSession, app: AppContext, agenda: Agenda) -> int:
    """Each member gets the header and one message per item with the vote buttons (and "more" for an
    item too long for one message); members who blocked the bot are skipped and the admins told who
    they are."""
    await session.refresh(agenda, ["items"])
    recipients = await voting.recipients(session, agenda.body)
    messages = await _skipped_notices(session, app, agenda, recipients.skipped)
    for member in recipients.reached:
        lang, chat = member.language, member.telegram_id
        assert chat is not None
        base = f"agenda:{agenda.id}:member:{member.id}"
        messages.append(_message(f"{base}:header", chat, header(app.plan, agenda, len(agenda.items), lang)))
        for item in agenda.items:
            text, shortened = item_message(app.plan, item, lang)
            messages.append(
                _message(f"{base}:item:{item.id}", chat, text, item_keyboard(item.id, None, lang, shortened))
            )
    return await enqueue_many(session, messages)


async def _skipped_notices(
    session: AsyncSession, app: AppContext, agenda: Agenda, skipped: list[Participant]
) -> list[Outgoing]:
    """One notice per admin (in their language) naming the members the agenda was not sent to."""
    if not skipped:
        return []
    chats = [member.telegram_id for member in skipped]
    notices = []
    for admin in app.settings.admin_ids:
        if admin in chats:
            continue
        lang = await participants.language_of(session, admin)
        named = "\n".join(t("voting.skipped_member", lang, chat=localize_digits(chat, lang)) for chat in chats)
        text = t(
            "voting.skipped_admin", lang, body=body_name(app.plan, agenda.body, lang), count=len(chats), members=named
        )
        notices.append(_message(f"agenda:{agenda.id}:skipped:admin:{admin}", admin, text))
    return notices


async def remind(session: AsyncSession, app: AppContext, now: datetime) -> int:
    """Members who have not voted on everything (and have not blocked the bot) get each reminder the
    body's rules set, once."""
    messages = []
    for body in app.plan.bodies:
        agenda = await voting.open_agenda_of(session, body.code)
        if agenda is None:
            continue
        await session.refresh(agenda, ["items"])
        due = [
            h
            for h in body.reminder_hours_before_deadline
            if (agenda.deadline - now).total_seconds() <= h * 3600 and now < agenda.deadline
        ]
        if not due:
            continue
        hours = min(due)
        for member in filter(participants.reachable, await voting.non_voters(session, agenda)):
            assert member.telegram_id is not None
            text = t(
                "voting.reminder",
                member.language,
                body=body_name(app.plan, body.code, member.language),
                deadline=deadline_text(agenda, member.language),
            )
            messages.append(
                _message(f"agenda:{agenda.id}:reminder:{hours}:member:{member.id}", member.telegram_id, text)
            )
    return await enqueue_many(session, messages)


async def announce(session: AsyncSession, app: AppContext, closing: AgendaClosing) -> int:
    """Tell the members who have not blocked the bot what their body decided (or that voting was
    extended); flag no quorum to admins."""
    agenda = closing.agenda
    members = (await voting.recipients(session, agenda.body)).reached
    outcomes = [d.outcome for d in closing.decisions]
    occasion = f"agenda:{agenda.id}:{closing.action}:{int(agenda.deadline.timestamp())}"
    messages = []
    for member in members:
        lang = member.language
        if closing.action == "extended":
            text = t(
                "voting.extended",
                lang,
                body=body_name(app.plan, agenda.body, lang),
                deadline=deadline_text(agenda, lang),
            )
        else:
            text = t(
                "voting.result",
                lang,
                body=body_name(app.plan, agenda.body, lang),
                approved=outcomes.count("approved"),
                rejected=outcomes.count("rejected"),
                no_quorum=outcomes.count("no_quorum"),
            )
        messages.append(_message(f"{occasion}:member:{member.id}", member.telegram_id or 0, text))
    if outcomes.count("no_quorum"):
        for admin in app.settings.admin_ids:
            text = t(
                "voting.no_quorum_admin",
                "fa",
                body=body_name(app.plan, agenda.body, "fa"),
                count=outcomes.count("no_quorum"),
            )
            messages.append(_message(f"{occasion}:admin:{admin}", admin, text))
    return await enqueue_many(session, messages)
