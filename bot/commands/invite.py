"""``meydan invite``: one-time deep links that bind a messenger account to a role."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Annotated

import typer
from sqlalchemy.ext.asyncio import AsyncSession

from backend.config import Settings, load_settings
from backend.plan import load_plan
from backend.services import invites
from bot.commands import console, in_transaction, run
from bot.meetings.links import INVITE_PREFIX, deep_link

app = typer.Typer(
    help="One-time invite links to a role: facilitator, NGO forum seat, body member.", no_args_is_help=True
)

Days = Annotated[int, typer.Option(min=1, max=invites.MAX_TTL.days, help="Days until the link expires.")]
BotUsername = Annotated[
    str | None,
    typer.Option(help="The bot's username for the link; default: asked with getMe when MEYDAN_BOT_TOKEN is set."),
]


async def _username(settings: Settings) -> str | None:
    """The bot's username from the Bot API, or None without a token or an answer."""
    if settings.bot_token is None:
        return None
    from aiogram.exceptions import TelegramAPIError  # aiogram loads slowly: only when asking getMe
    from aiohttp import ClientError

    from bot.app import create_bot

    bot = create_bot(settings)
    try:
        return (await asyncio.wait_for(bot.get_me(), timeout=10)).username
    except (TimeoutError, TelegramAPIError, ClientError, OSError):
        return None
    finally:
        await bot.session.close()


def _invite(role: str, scope: str, days: int, bot_username: str | None) -> None:
    settings = load_settings()
    plan = load_plan(settings.plan_file)
    username = bot_username or run(_username(settings))

    async def work(session: AsyncSession) -> str:
        return await invites.create(session, settings.secret(), plan, role, scope, ttl=timedelta(days=days))

    token = run(in_transaction(work))
    console.print(deep_link(settings.api_base, username, INVITE_PREFIX + token), soft_wrap=True, highlight=False)
    console.print(
        f"one-time invite as {role} of {scope}, valid for {days} day(s)"
        + (
            ""
            if username
            else "; no bot username known (pass --bot-username or set MEYDAN_BOT_TOKEN),"
            " so send the line above to the bot as a message"
        ),
        style="dim",
        highlight=False,
    )


@app.command("facilitator")
def facilitator(
    working_group: Annotated[str, typer.Option(help="Working group code, e.g. hq.transport.")],
    days: Days = invites.DEFAULT_TTL.days,
    bot_username: BotUsername = None,
) -> None:
    """A facilitator of a working group: logs its meetings and forums."""
    _invite("facilitator", working_group, days, bot_username)


@app.command("ngo")
def ngo(
    forum: Annotated[int, typer.Option(help="The forum's number, shown when it was opened.")],
    days: Days = invites.DEFAULT_TTL.days,
    bot_username: BotUsername = None,
) -> None:
    """A seat in an open NGO forum (anyone can also join with the forum's own link)."""
    _invite("ngo", str(forum), days, bot_username)


@app.command("member")
def member(
    body: Annotated[str, typer.Option(help="Approval body or working group code.")],
    days: Days = invites.DEFAULT_TTL.days,
    bot_username: BotUsername = None,
) -> None:
    """A member of an approval body (or working group) who votes on its agendas."""
    _invite("member", body, days, bot_username)
