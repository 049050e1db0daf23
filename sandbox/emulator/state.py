"""In-memory state of the emulator: bots, their private chats, messages, callback queries and calls."""

from __future__ import annotations

import copy
import re
import secrets
import time
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from sandbox.emulator.errors import bad_request, forbidden, unauthorized
from sandbox.emulator.files import FileStore
from sandbox.emulator.limits import FloodControl, Limits
from sandbox.emulator.params import Upload
from sandbox.emulator.updates import Update, UpdateQueue
from sandbox.emulator.waiting import Notifier
from sandbox.emulator.webhook import Webhook

TOKEN_RE = re.compile(r"^(\d+):[A-Za-z0-9_-]+$")


def now() -> int:
    """Unix time, the unit of ``date`` fields."""
    return int(time.time())


@dataclass
class UserProfile:
    """A simulated Telegram user (who is also the private chat with the bot)."""

    id: int
    first_name: str
    last_name: str | None = None
    username: str | None = None
    language_code: str | None = None

    def user_json(self) -> dict[str, Any]:
        """The ``User`` object."""
        extra = {"last_name": self.last_name, "username": self.username, "language_code": self.language_code}
        return {"id": self.id, "is_bot": False, "first_name": self.first_name, **_present(extra)}

    def chat_json(self) -> dict[str, Any]:
        """The private ``Chat`` object."""
        extra = {"last_name": self.last_name, "username": self.username}
        return {"id": self.id, "type": "private", "first_name": self.first_name, **_present(extra)}


@dataclass
class StoredMessage:
    """A message of a chat in its current state (``data`` is the Telegram ``Message``)."""

    data: dict[str, Any]
    outgoing: bool
    revision: int
    deleted: bool = False

    @property
    def message_id(self) -> int:
        """Its id inside the chat."""
        return int(self.data["message_id"])

    def view(self) -> dict[str, Any]:
        """The message for the control API: a copy plus ``deleted`` and ``revision``."""
        return {**copy.deepcopy(self.data), "deleted": self.deleted, "revision": self.revision}


@dataclass
class Chat:
    """A private chat between the bot and one user."""

    profile: UserProfile
    chat_instance: str = field(default_factory=lambda: str(secrets.randbits(62)))
    messages: dict[int, StoredMessage] = field(default_factory=dict)
    next_message_id: int = 1
    blocked: bool = False
    reply_keyboard: dict[str, Any] | None = None

    @property
    def id(self) -> int:
        """The chat id, equal to the user id."""
        return self.profile.id

    def message(self, message_id: Any) -> StoredMessage | None:
        """The message with this id unless it was deleted."""
        stored = self.messages.get(message_id) if isinstance(message_id, int) else None
        return stored if stored is not None and not stored.deleted else None

    def bot_messages(self) -> list[StoredMessage]:
        """Messages sent by the bot, oldest first (deleted included)."""
        return [m for m in self.messages.values() if m.outgoing]


@dataclass
class CallbackQuery:
    """A button press and the bot's answer to it (None until answerCallbackQuery)."""

    id: str
    user_id: int
    message_id: int
    data: str | None
    answer: dict[str, Any] | None = None
    answered_revision: int = 0

    def view(self) -> dict[str, Any]:
        """The answer for the control API, with the query's id, data and message id."""
        return {"callback_query_id": self.id, "data": self.data, "message_id": self.message_id, **(self.answer or {})}


@dataclass(frozen=True)
class ApiCall:
    """One Bot API request the emulator received."""

    method: str
    params: dict[str, Any]
    status: int
    description: str | None
    at: float

    def view(self) -> dict[str, Any]:
        """JSON for the control API."""
        return {
            "method": self.method,
            "params": self.params,
            "status": self.status,
            "description": self.description,
            "at": self.at,
        }


class BotState:
    """Everything one bot token sees: chats, updates, files, commands, webhook, flood counters, call log."""

    def __init__(
        self,
        token: str,
        *,
        limits: Limits,
        flood_limits: bool,
        username: str,
        first_name: str,
        call_log_size: int,
        missing_methods: frozenset[str] = frozenset(),
    ) -> None:
        self.token = token
        self.missing_methods = missing_methods
        self.bot_id = int(token.split(":", 1)[0])
        self.user = {"id": self.bot_id, "is_bot": True, "first_name": first_name, "username": username}
        self._initial = (limits, flood_limits)
        self.notifier = Notifier()
        self._chat_notifiers: dict[int, Notifier] = {}
        self.updates = UpdateQueue()
        self.webhook = Webhook(self)
        self.calls: deque[ApiCall] = deque(maxlen=call_log_size)
        self.revision = 0
        self.poll_generation = 0
        self._clear()

    def _clear(self) -> None:
        self.chats: dict[int, Chat] = {}
        self.files = FileStore()
        self.callback_queries: dict[str, CallbackQuery] = {}
        self.commands: dict[tuple[str, str], list[dict[str, str]]] = {}
        self.menu_buttons: dict[int | None, dict[str, Any]] = {}
        self.limits = replace(self._initial[0])
        self.flood = FloodControl(self.limits, self._initial[1])
        self.updates.clear()
        self.calls.clear()

    async def reset(self) -> None:
        """Forget chats, files, updates, commands, webhook, counters and calls.

        Update ids and revisions keep growing, so pollers and simulated users stay in step.
        """
        await self.webhook.disable()
        self._clear()
        self.changed()
        self.notifier.notify()

    async def close(self) -> None:
        """Stop the webhook and end every long poll (shutdown)."""
        await self.webhook.disable()
        for notifier in (self.notifier, *self._chat_notifiers.values()):
            notifier.close()

    def me(self) -> dict[str, Any]:
        """The ``User`` object of getMe."""
        flags = ("can_read_all_group_messages", "supports_inline_queries", "can_connect_to_business")
        return {**self.user, "can_join_groups": True, **dict.fromkeys(flags, False), "has_main_web_app": False}

    def chat_notifier(self, chat_id: int) -> Notifier:
        """What waits on one chat's messages and callback answers waits on."""
        notifier = self._chat_notifiers.get(chat_id)
        if notifier is None:
            notifier = self._chat_notifiers[chat_id] = Notifier()
            notifier.closed = self.notifier.closed
        return notifier

    def changed(self, chat_id: int | None = None) -> int:
        """Bump the revision and wake the waiters of ``chat_id`` (of every chat if None); the new revision."""
        self.revision += 1
        targets = self._chat_notifiers.values() if chat_id is None else [self.chat_notifier(chat_id)]
        for notifier in targets:
            notifier.notify()
        return self.revision

    def enqueue(self, update: Update) -> Update:
        """Queue an update (``update_id`` assigned unless given and due) for getUpdates / the webhook."""
        queued = self.updates.push_raw(copy.deepcopy(update))
        self.notifier.notify()
        return queued

    def chat(self, chat_id: Any) -> Chat:
        """The chat the bot addresses as ``chat_id``; 400 ``chat not found`` if the user never wrote."""
        chat = self.chats.get(chat_id) if isinstance(chat_id, int) else None
        if chat is None:
            raise bad_request("chat not found")
        return chat

    def writable_chat(self, chat_id: Any) -> Chat:
        """Like ``chat`` but 403 when the user blocked the bot."""
        chat = self.chat(chat_id)
        if chat.blocked:
            raise forbidden("bot was blocked by the user")
        return chat

    def user_chat(self, profile: UserProfile) -> Chat:
        """The chat with this user, created on first contact; the stored profile is refreshed."""
        chat = self.chats.get(profile.id)
        if chat is None:
            chat = self.chats[profile.id] = Chat(profile)
        else:
            chat.profile = profile
        return chat

    def add_message(self, chat: Chat, content: dict[str, Any], *, outgoing: bool) -> StoredMessage:
        """Store a new message of the bot (``outgoing``) or of the user; ids grow per chat."""
        message_id = chat.next_message_id
        chat.next_message_id += 1
        sender = dict(self.user) if outgoing else chat.profile.user_json()
        data = {"message_id": message_id, "from": sender, "chat": chat.profile.chat_json(), "date": now(), **content}
        stored = chat.messages[message_id] = StoredMessage(data, outgoing, self.changed(chat.id))
        return stored

    def replace_message(self, stored: StoredMessage, data: dict[str, Any], *, deleted: bool = False) -> None:
        """Give a message new content (an edit) or mark it deleted."""
        stored.data = data
        stored.deleted = deleted
        stored.revision = self.changed(data["chat"]["id"])

    def log_call(self, method: str, params: dict[str, Any], status: int, description: str | None = None) -> None:
        """Append to the call log (files are shown by name and size)."""
        shown = {k: _loggable(v) for k, v in params.items()}
        self.calls.append(ApiCall(method, shown, status, description, time.time()))


class EmulatorState:
    """All bots of one emulator, created on first use of their token."""

    def __init__(
        self,
        *,
        flood_limits: bool = False,
        limits: Limits | None = None,
        bot_username: str = "meydan_test_bot",
        bot_first_name: str = "Meydan",
        call_log_size: int = 100_000,
        missing_methods: Iterable[str] = (),
    ) -> None:
        """``missing_methods``: Bot API methods answered 404 as if this API lacked them (like Bale's gaps)."""
        self.flood_limits = flood_limits
        self.missing_methods = frozenset(missing_methods)
        self.limits = limits or Limits()
        self.bot_username = bot_username
        self.bot_first_name = bot_first_name
        self.call_log_size = call_log_size
        self.bots: dict[str, BotState] = {}

    def bot(self, token: str) -> BotState:
        """The bot of ``token``; 401 Unauthorized unless it looks like ``123:ABC-def_0``."""
        if not TOKEN_RE.match(token):
            raise unauthorized()
        bot = self.bots.get(token)
        if bot is None:
            bot = self.bots[token] = BotState(
                token,
                limits=self.limits,
                flood_limits=self.flood_limits,
                username=self.bot_username,
                first_name=self.bot_first_name,
                call_log_size=self.call_log_size,
                missing_methods=self.missing_methods,
            )
        return bot

    async def reset(self) -> None:
        """Reset every bot."""
        for bot in self.bots.values():
            await bot.reset()

    async def close(self) -> None:
        """Stop webhooks and end long polls."""
        for bot in self.bots.values():
            await bot.close()


def _present(values: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in values.items() if v is not None}


def _loggable(value: Any) -> Any:
    if isinstance(value, Upload):
        return {"filename": value.filename, "size": len(value.data)}
    return value
