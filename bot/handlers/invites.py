"""Role invitations: opening an invite link (/start i_<token>) and admins' /invite."""

from __future__ import annotations

from html import escape

from aiogram import Bot, F, Router
from aiogram.filters import Command, CommandObject, CommandStart
from aiogram.types import Message, Update

from backend.context import AppContext
from backend.models import Role
from backend.services import invites
from backend.text import parse_int
from bot.guard import claim_of, guarded, sender_id
from bot.i18n import t
from bot.meetings import links
from bot.meetings.menu import show_role_commands


@guarded
async def open_invite(
    message: Message, command: CommandObject, bot: Bot, app: AppContext, event_update: Update, lang: str
) -> None:
    """Bind this account to the invite's role; an unknown, expired or used invite writes nothing."""
    token = (command.args or "").removeprefix(links.INVITE_PREFIX)
    role = await invites.redeem_link(app, claim_of(bot, event_update), sender_id(message), lang, token)
    await message.answer(_welcome(app, role, lang))
    await show_role_commands(bot, message.chat.id, lang, role.role)


def _welcome(app: AppContext, role: Role, lang: str) -> str:
    if role.role == "ngo":
        return t("invites.welcome.ngo", lang, number=int(role.scope)) + "\n" + t("forums.ask_organization", lang)
    named = app.plan.get("body", role.scope) or app.plan.get("working_group", role.scope)
    return t(f"invites.welcome.{role.role}", lang, scope=named.name(lang) if named else escape(role.scope))


@guarded
async def invite_command(
    message: Message, command: CommandObject, bot: Bot, app: AppContext, event_update: Update, lang: str
) -> None:
    """/invite ROLE SCOPE [DAYS] (admins only): a one-time link to a role."""
    parts = (command.args or "").split()
    if len(parts) not in (2, 3):
        parts = ["", ""]  # not a role: the use case answers with the usage (once the sender is an admin)
    role, scope = parts[0], parts[1]
    days = parse_int(parts[2]) if len(parts) == 3 else invites.DEFAULT_TTL.days
    token = await invites.create_link(app, claim_of(bot, event_update), sender_id(message), role, scope, days)
    link = await links.bot_link(bot, app.settings.api_base, links.INVITE_PREFIX + token)
    await message.answer(
        t("invites.created", lang, role=t(f"invites.role.{role}", lang), scope=escape(scope), days=days, link=link)
    )


def router() -> Router:
    """Invites; registered before onboarding so its /start sees the invite links first."""
    r = Router(name="invites")
    r.message.register(open_invite, CommandStart(deep_link=True, magic=F.args.regexp(f"^{links.INVITE_PREFIX}")))
    r.message.register(invite_command, Command("invite"))
    return r
