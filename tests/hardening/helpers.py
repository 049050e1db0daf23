"""Shared steps of the hardening tests: waiting on what the bot sent, users with a role."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from backend.config import Settings
from backend.plan import load_plan
from backend.services import invites
from sandbox.emulator.formatting import utf16_len
from sandbox.emulator.users import Message, SimulatedUser
from tests.e2e.conftest import TOKEN
from tests.e2e.test_meetings import database, set_up


def text_of(message: Message) -> str:
    """A bot message's text or caption as the user reads it (HTML already parsed by the emulator)."""
    return message.get("text") or message.get("caption") or ""


async def sent_until(
    user: SimulatedUser, done: Callable[[list[Message]], bool], timeout: float = 10.0
) -> list[Message]:
    """Every bot message to ``user`` once ``done`` holds for them; TimeoutError if it never does."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        messages = await user.messages()
        if done(messages):
            return messages
        if loop.time() > deadline:
            raise TimeoutError(f"user {user.user_id}: got only {[text_of(m) for m in messages]}")
        await asyncio.sleep(0.05)


async def invited(
    emulator,
    settings: Settings,
    user_id: int,
    role: str,
    scope: str,  # type: ignore[no-untyped-def]
    welcome: str,
) -> SimulatedUser:
    """A Persian-speaking user who opened a fresh invite to ``role`` in ``scope`` (the bot is running)."""
    async with database(settings) as sessions, sessions() as session, session.begin():
        token = await invites.create(session, settings.secret(), load_plan(), role, scope)
    user = emulator.user(TOKEN, user_id=user_id, first_name=f"کاربر {user_id}", language_code="fa")
    await user.start(f"i_{token}")
    await user.wait_for_message(contains=welcome)
    return user


async def at_meeting(emulator, settings: Settings, user_id: int) -> SimulatedUser:  # type: ignore[no-untyped-def]
    """A facilitator of hq.transport with an elite interview open (the bot is running)."""
    user = await invited(emulator, settings, user_id, "facilitator", "hq.transport", "تسهیل‌گر")
    await set_up(user)
    return user


# Attack strings typed by users; each must be stored and shown exactly as typed, and do nothing.
HTML_ATTACK = '<a href="https://evil.example/">click</a> <b>&amp;</b>'  # a link and markup, if rendered
SQL_ATTACK = "'); DROP TABLE answers;--"
EVAL_ATTACK = "admin' or '1'='1"  # an expression, if it were pasted into one
FORMULA_ATTACK = '=HYPERLINK("https://evil.example","click")'


def shows_literally(message: Message, attack: str) -> bool:
    """The message shows ``attack`` character for character, with no link or formatting starting or
    ending inside it (the bot's own bold around it is fine) and no link to the attacker anywhere."""
    text = text_of(message)
    at = text.find(attack)
    if at < 0:
        return False
    start, end = utf16_len(text[:at]), utf16_len(text[:at] + attack)
    entities = message.get("entities") or message.get("caption_entities") or []
    inside = [e for e in entities if start < e["offset"] < end or start < e["offset"] + e["length"] < end]
    return not inside and not any("evil.example" in e.get("url", "") for e in entities)


def document(name: str, size: int, **extra: object) -> dict[str, object]:
    """Raw fields of a message with a document as Telegram describes it (the file stays on its servers;
    the name exactly as the sender's client gave it)."""
    return {
        "document": {
            "file_id": f"BQAC-{size}-{len(name)}",
            "file_unique_id": f"u-{size}-{len(name)}",
            "file_name": name,
            "mime_type": "application/pdf",
            "file_size": size,
        },
        **extra,
    }
