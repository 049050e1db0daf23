"""Fuzzing the bot with odd but valid updates: stickers, locations, contacts, polls, service
messages, forwarded and odd texts from a citizen mid-survey, a facilitator mid-meeting and a
stranger (through the emulator); edited messages, channel posts, reactions and update types this
aiogram does not know (fed to the dispatcher, since the bot does not ask Telegram for them).
Each is ignored or answered, never with the error message, never with an error logged, and the
bot answers the same user right after."""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Coroutine, Iterator
from contextlib import AsyncExitStack, nullcontext
from pathlib import Path
from typing import Any, TypeVar

import pytest
from aiogram import Bot, Dispatcher
from aiogram.types import Message, Update
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.engine import URL

from backend.config import Settings, load_settings
from bot.app import create_bot
from bot.i18n import t
from bot.runner import running_bot
from sandbox.emulator import RunningEmulator, running_emulator
from sandbox.emulator.users import SimulatedUser
from tests.e2e.citizens import SURVEY, join
from tests.e2e.conftest import TOKEN
from tests.hardening.helpers import at_meeting, text_of

pytestmark = pytest.mark.slow  # the real bot polling the emulator, fed random updates

T = TypeVar("T")
HELP = "راهنمای میدان"
FAILED = (t("errors.generic", "fa"), t("errors.generic", "en"))
KNOWN = frozenset(Update.model_fields)  # update types this aiogram knows


class LiveBot:
    """The emulator and the polling bot on an event loop of their own thread, so that (synchronous)
    hypothesis examples can drive them; errors logged meanwhile are collected."""

    def __init__(self, tmp_path: Path, database_url: URL) -> None:
        self.tmp_path, self.database_url = tmp_path, database_url
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.errors: list[str] = []
        self.users: dict[str, SimulatedUser] = {}

    def run(self, work: Coroutine[Any, Any, T], timeout: float = 60) -> T:
        """Run a coroutine on the bot's loop and wait for its result."""
        return asyncio.run_coroutine_threadsafe(work, self.loop).result(timeout)

    async def start(self) -> None:
        self.exits = AsyncExitStack()
        self.emulator: RunningEmulator = await self.exits.enter_async_context(running_emulator())
        self.settings: Settings = load_settings(
            bot_token=TOKEN,
            api_base=self.emulator.base_url,
            data_dir=self.tmp_path / "data",
            secret_key="fuzz-test-secret-key-of-32-characters",
            database_url=self.database_url.render_as_string(hide_password=False),
            throttle_limit=0,
        )
        self.dispatcher: Dispatcher = await self.exits.enter_async_context(running_bot(self.settings))
        self.bot: Bot = create_bot(self.settings)
        self.exits.push_async_callback(self.bot.session.close)
        citizen = self.emulator.user(TOKEN, user_id=9301, first_name="شهروند", language_code="fa")
        await join(citizen)
        await citizen.press(SURVEY)
        await citizen.wait_for_message(contains="در کدام منطقهٔ شهرداری")
        self.users = {
            "citizen": citizen,
            "facilitator": await at_meeting(self.emulator, self.settings, 9302),
            "stranger": self.emulator.user(TOKEN, user_id=9303, first_name="غریبه"),
        }

    async def sends(self, who: str, extra: dict[str, Any], text: str | None) -> list[str]:
        """``who`` sends the message, then /help; what the bot said in between and to /help."""
        chat = {"id": 1, "type": "private"}  # a message aiogram cannot read would stall polling: fail here instead
        Message.model_validate({"message_id": 1, "date": 0, "chat": chat, **extra, **({"text": text} if text else {})})
        before = len(await self.users[who].messages())
        await self.users[who].send_content(extra, text=text)
        return (await self.probe(who))[before:]

    async def probe(self, who: str) -> list[str]:
        """``who`` sends /help and gets the help (each user's updates are handled in order); all the bot said."""
        await self.users[who].send("/help")
        await self.users[who].wait_for_message(contains=HELP, timeout=20)
        return [text_of(m) for m in await self.users[who].messages()]

    async def feeds(self, update: dict[str, Any]) -> Any:
        """An update handed straight to the dispatcher, as a webhook would."""
        return await self.dispatcher.feed_raw_update(self.bot, update)


class _Collect(logging.Handler):
    def __init__(self, into: list[str]) -> None:
        super().__init__(logging.ERROR)
        self.into = into

    def emit(self, record: logging.LogRecord) -> None:
        self.into.append(f"{record.name}: {record.getMessage()}")


@pytest.fixture
def live(tmp_path: Path, sqlite_url: URL) -> Iterator[LiveBot]:
    live = LiveBot(tmp_path, sqlite_url)
    live.thread.start()
    handler = _Collect(live.errors)
    logging.getLogger().addHandler(handler)
    try:
        live.run(live.start(), timeout=120)
        yield live
    finally:
        logging.getLogger().removeHandler(handler)
        if hasattr(live, "exits"):
            live.run(live.exits.aclose())
        live.loop.call_soon_threadsafe(live.loop.stop)
        live.thread.join(10)


def _file(**fields: st.SearchStrategy[Any]) -> st.SearchStrategy[dict[str, Any]]:
    ids = {
        "file_id": st.from_regex(r"[A-Za-z0-9_-]{8,40}", fullmatch=True),
        "file_unique_id": st.from_regex(r"[A-Za-z0-9_-]{4,16}", fullmatch=True),
    }
    return st.fixed_dictionaries({**ids, **fields}, optional={"file_size": st.integers(0, 20 * 1024 * 1024)})


SIZE, SECONDS, TEXT = st.integers(1, 4096), st.integers(0, 3600), st.text(min_size=1, max_size=64)
CAPTION = {"caption": TEXT}
LOCATION = st.fixed_dictionaries(
    {"latitude": st.floats(-90, 90), "longitude": st.floats(-180, 180)},
    optional={"horizontal_accuracy": st.floats(0, 1500)},
)
PERSON = st.fixed_dictionaries({"id": st.integers(1, 2**40), "is_bot": st.booleans(), "first_name": TEXT})
POLL = st.fixed_dictionaries(
    {
        "id": st.from_regex(r"[0-9]{1,18}", fullmatch=True),
        "question": TEXT,
        "options": st.lists(
            st.fixed_dictionaries(
                {
                    "persistent_id": st.from_regex(r"[0-9]{1,3}", fullmatch=True),
                    "text": TEXT,
                    "voter_count": st.integers(0, 9),
                }
            ),
            min_size=2,
            max_size=4,
        ),
        "total_voter_count": st.integers(0, 9),
        "is_closed": st.booleans(),
        "is_anonymous": st.booleans(),
        "type": st.sampled_from(["regular", "quiz"]),
        "allows_multiple_answers": st.booleans(),
        "allows_revoting": st.booleans(),
        "members_only": st.booleans(),
    }
)
NON_TEXT = st.one_of(  # messages without text, as Telegram sends them
    st.fixed_dictionaries(
        {
            "sticker": _file(
                type=st.sampled_from(["regular", "mask", "custom_emoji"]),
                width=SIZE,
                height=SIZE,
                is_animated=st.booleans(),
                is_video=st.booleans(),
            )
        }
    ),
    st.fixed_dictionaries({"location": LOCATION}),
    st.fixed_dictionaries({"venue": st.fixed_dictionaries({"location": LOCATION, "title": TEXT, "address": TEXT})}),
    st.fixed_dictionaries(
        {
            "contact": st.fixed_dictionaries(
                {"phone_number": TEXT, "first_name": TEXT}, optional={"user_id": st.integers(1, 2**40)}
            )
        }
    ),
    st.fixed_dictionaries(
        {
            "dice": st.fixed_dictionaries(
                {"emoji": st.sampled_from(["🎲", "🎯", "🏀", "⚽", "🎳", "🎰"]), "value": st.integers(1, 64)}
            )
        }
    ),
    st.fixed_dictionaries({"poll": POLL}),
    st.fixed_dictionaries({"video_note": _file(length=SIZE, duration=SECONDS)}),
    st.fixed_dictionaries({"animation": _file(width=SIZE, height=SIZE, duration=SECONDS)}, optional=CAPTION),
    st.fixed_dictionaries({"video": _file(width=SIZE, height=SIZE, duration=SECONDS)}, optional=CAPTION),
    st.fixed_dictionaries({"audio": _file(duration=SECONDS)}, optional=CAPTION),
    st.fixed_dictionaries({"document": _file()}, optional=CAPTION),
    st.fixed_dictionaries(
        {"photo": st.lists(_file(width=SIZE, height=SIZE), min_size=1, max_size=3)}, optional=CAPTION
    ),
    st.fixed_dictionaries(
        {"message_auto_delete_timer_changed": st.fixed_dictionaries({"message_auto_delete_time": SECONDS})}
    ),
    st.fixed_dictionaries({"web_app_data": st.fixed_dictionaries({"data": TEXT, "button_text": TEXT})}),
)
ODD_TEXT = st.one_of(
    TEXT,
    TEXT.map(lambda text: "/start " + text),
    TEXT.map(lambda text: "/problem " + text),
    st.sampled_from(
        [
            "/",
            "/start",
            "/start i_",
            "/start s_",
            "/start f_abc",
            "/invite",
            "/problem",
            "/edit",
            "/back",
            "/skip",
            "/undo",
            "/pause",
            "/resume",
            "/unknown",
        ]
    ),
)
TEXT_AROUND = st.fixed_dictionaries(
    {},
    optional={  # what may come with a text: forwarded, via a bot, protected
        "forward_origin": st.fixed_dictionaries(
            {"type": st.just("user"), "date": st.integers(0, 2**31), "sender_user": PERSON}
        ),
        "via_bot": PERSON,
        "has_protected_content": st.just(True),
    },
)
ODD_MESSAGES = st.one_of(NON_TEXT.map(lambda extra: (extra, None)), st.tuples(TEXT_AROUND, ODD_TEXT))


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(who=st.sampled_from(["citizen", "facilitator", "stranger"]), message=ODD_MESSAGES)
def test_odd_messages_are_ignored_or_answered_gracefully(
    live: LiveBot, who: str, message: tuple[dict[str, Any], str | None]
) -> None:
    said = live.run(live.sends(who, *message))
    assert not [line for line in said if line in FAILED], said
    assert not live.errors, live.errors


def _chat(kind: str) -> dict[str, Any]:
    return (
        {"id": -1001234 if kind == "channel" else 9301, "type": kind, "title": "کانال"}
        if kind == "channel"
        else {"id": 9301, "type": "private", "first_name": "شهروند"}
    )


def _message(kind: str, text: str, **extra: Any) -> dict[str, Any]:
    sender = {} if kind == "channel" else {"from": {"id": 9301, "is_bot": False, "first_name": "شهروند"}}
    return {"message_id": 1, "date": 1_700_000_000, "chat": _chat(kind), "text": text, **sender, **extra}


FED = st.one_of(
    TEXT.map(lambda text: {"edited_message": _message("private", text, edit_date=1_700_000_100)}),
    TEXT.map(lambda text: {"channel_post": _message("channel", text)}),
    TEXT.map(lambda text: {"edited_channel_post": _message("channel", text, edit_date=1_700_000_100)}),
    st.just(
        {
            "message_reaction": {
                "chat": _chat("private"),
                "message_id": 1,
                "date": 1_700_000_000,
                "user": {"id": 9301, "is_bot": False, "first_name": "شهروند"},
                "old_reaction": [],
                "new_reaction": [{"type": "emoji", "emoji": "👍"}],
            }
        }
    ),
    st.just(
        {
            "poll_answer": {
                "poll_id": "1",
                "user": {"id": 9301, "is_bot": False, "first_name": "شهروند"},
                "option_ids": [0],
                "option_persistent_ids": ["0"],
            }
        }
    ),
    st.dictionaries(
        st.from_regex(r"[a-z_]{3,20}", fullmatch=True).filter(lambda key: key not in KNOWN),
        st.dictionaries(st.from_regex(r"[a-z]{1,8}", fullmatch=True), st.integers()),
        min_size=1,
        max_size=1,
    ),  # an update type this aiogram does not know yet
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(update=FED, update_id=st.integers(10_000_000, 2**31))
def test_updates_the_bot_never_asks_for_are_ignored(live: LiveBot, update: dict[str, Any], update_id: int) -> None:
    unknown = not update.keys() & KNOWN
    with pytest.warns(RuntimeWarning, match="unknown update type") if unknown else nullcontext():
        live.run(live.feeds({"update_id": update_id, **update}))
    assert not live.errors, live.errors
    assert not [line for line in live.run(live.probe("citizen")) if line in FAILED]
