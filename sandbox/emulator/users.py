"""Python clients of the control API: ``SimulatedUser`` (one Telegram user) and ``EmulatorControl`` (a bot).

Both talk HTTP to ``/_emulator/{token}/...``, so they work from any process that can reach the emulator.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from types import TracebackType
from typing import Any, Self

from aiohttp import ClientSession, ClientTimeout, FormData

Message = dict[str, Any]
_SLACK = 10.0


class EmulatorError(Exception):
    """The control API refused a request."""

    def __init__(self, status: int, description: str) -> None:
        super().__init__(f"{status}: {description}")
        self.status = status
        self.description = description


class _ControlApi:
    """An aiohttp session (own or shared) and calls to ``{base_url}/_emulator/{token}/...``."""

    def __init__(self, base_url: str, token: str, *, session: ClientSession | None = None) -> None:
        self.base_url = base_url.rstrip("/")
        self.token = token
        self._session = session
        self._owns_session = session is None

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.close()

    async def close(self) -> None:
        """Close the session if this client created it (a shared one is left to its owner)."""
        if self._owns_session and self._session is not None:
            await self._session.close()
            self._session = None

    async def _call(self, method: str, path: str, *, wait: float = 0.0, **kwargs: Any) -> Any:
        if self._session is None:
            self._session = ClientSession()
        url = f"{self.base_url}/_emulator/{self.token}/{path}"
        async with self._session.request(method, url, timeout=ClientTimeout(total=wait + _SLACK), **kwargs) as resp:
            body = await resp.json()
        if not body.get("ok"):
            raise EmulatorError(resp.status, body.get("description", ""))
        return body["result"]


class EmulatorControl(_ControlApi):
    """Bot-wide controls: reset, flood limits and counters, the call log, raw updates."""

    async def reset(self) -> None:
        """Forget the bot's chats, updates, files, webhook, counters and call log."""
        await self._call("POST", "reset")

    async def set_flood_limits(self, enabled: bool | None = None, **rates: float) -> dict[str, Any]:
        """Switch flood limits on/off and/or change ``global_rate``/``global_burst``/``chat_rate``/``chat_burst``."""
        settings = {"enabled": enabled, **rates} if enabled is not None else rates
        result: dict[str, Any] = await self._call("POST", "flood", json=settings)
        return result

    async def flood_stats(self) -> dict[str, Any]:
        """``enabled``, ``rejected`` (429s given), ``accepted``, ``accepted_per_chat``, ``rejected_per_chat``, rates."""
        result: dict[str, Any] = await self._call("GET", "flood")
        return result

    async def calls(self, method: str | None = None) -> list[dict[str, Any]]:
        """Bot API calls received (``method``, ``params``, ``status``, ``description``, ``at``)."""
        result: list[dict[str, Any]] = await self._call("GET", "calls", params={"method": method or ""})
        return result

    async def inject_update(self, update: dict[str, Any]) -> dict[str, Any]:
        """Queue an arbitrary update for the bot; returns it with its ``update_id``."""
        result: dict[str, Any] = await self._call("POST", "updates", json=update)
        return result


class UserConversation:
    """A user's side of a private chat: acting, then waiting for the bot's messages since the action.

    ``SimulatedUser`` carries it over the control API's HTTP, ``LocalUser`` (``sandbox.emulator.local``)
    calls the same functions in the emulator's process. Profile fields left None keep what the emulator
    already knows about this user id (a user never seen before is called ``User <id>``).
    """

    def __init__(
        self,
        user_id: int,
        first_name: str | None = None,
        *,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = None,
    ) -> None:
        self.user_id = user_id
        profile = {"first_name": first_name, "last_name": last_name, "username": username}
        self.profile = {k: v for k, v in {**profile, "language_code": language_code}.items() if v is not None}
        self.last_callback_query_id: str | None = None
        self._mark = 0
        self._consumed: set[tuple[int, int]] = set()

    async def _post(self, action: str, fields: dict[str, Any]) -> dict[str, Any]:
        """Carry out a user action with the fields the control API takes; ``revision`` and ``update``."""
        raise NotImplementedError

    async def _messages_since(self, since: int, timeout: float) -> dict[str, Any]:
        """The bot's messages to this user after revision ``since``, waiting up to ``timeout`` for one."""
        raise NotImplementedError

    async def _act(self, action: str, **fields: Any) -> dict[str, Any]:
        """A user action; the update it produced."""
        return self._acted(
            await self._post(action, {k: v for k, v in fields.items() if v is not None} | {"user": self.profile})
        )

    def _acted(self, result: dict[str, Any]) -> dict[str, Any]:
        """After an action: later waits look past its revision; its update."""
        self._mark = result["revision"]
        self._consumed.clear()
        update: dict[str, Any] = result["update"]
        return update

    async def start(self, payload: str | None = None) -> Message:
        """Send ``/start`` or ``/start PAYLOAD`` (a deep link)."""
        return await self.send(f"/start {payload}" if payload else "/start")

    async def send(self, text: str, *, reply_to_message_id: int | None = None) -> Message:
        """Send a text message; returns it as the bot will see it."""
        update = await self._act("messages", text=text, reply_to_message_id=reply_to_message_id)
        return update["message"]

    async def send_content(self, extra: dict[str, Any], *, text: str | None = None) -> Message:
        """Send a message made of raw Message fields (a sticker, a location, an album's
        ``media_group_id`` with its document...) and optional text; returns it as the bot will see it."""
        update = await self._act("messages", text=text, extra=extra)
        return update["message"]

    async def share_location(
        self, latitude: float, longitude: float, *, accuracy: float | None = None, button: str | None = None
    ) -> Message:
        """Share a location, by pressing the reply-keyboard ``button`` that requests it or from the
        attachment menu (``button`` None); returns the message as the bot will see it."""
        update = await self._act(
            "locations", latitude=latitude, longitude=longitude, horizontal_accuracy=accuracy, button=button
        )
        return update["message"]

    async def share_venue(self, latitude: float, longitude: float, title: str, address: str) -> Message:
        """Share a place (a venue: its location, name and address)."""
        update = await self._act(
            "locations", latitude=latitude, longitude=longitude, venue=True, title=title, address=address
        )
        return update["message"]

    async def edit(self, message_id: int, text: str) -> Message:
        """Edit one of the user's messages (an ``edited_message`` update)."""
        update = await self._act("edits", message_id=message_id, text=text)
        return update["edited_message"]

    async def press(
        self, text: str | None = None, *, data: str | None = None, message_id: int | None = None, force: bool = False
    ) -> dict[str, Any]:
        """Press a button by its text and/or callback ``data``; returns the update it produced.

        Without ``message_id`` the latest bot message holding that button is used; a reply-keyboard button
        sends its text. ``force`` sends ``data`` even if no current keyboard has it (stale or forged press).
        """
        update = await self._act("press", text=text, data=data, message_id=message_id, force=force)
        if "callback_query" in update:
            self.last_callback_query_id = update["callback_query"]["id"]
        return update

    async def block(self) -> None:
        """Block the bot: its sends answer 403 until the user writes again or unblocks."""
        await self._act("block")

    async def unblock(self) -> None:
        """Unblock the bot."""
        await self._act("unblock")

    async def wait_for_message(
        self, contains: str | None = None, timeout: float = 5.0, *, predicate: Callable[[Message], bool] | None = None
    ) -> Message:
        """The next bot message sent or edited since the user's last action that matches; each is returned once.

        ``contains`` is looked for in the text or caption. Raises ``TimeoutError`` listing what arrived instead.
        """
        loop = asyncio.get_running_loop()
        deadline, since = loop.time() + timeout, self._mark
        seen: list[Message] = []
        while (remaining := deadline - loop.time()) > 0:
            result = await self._messages_since(since, remaining)
            since = result["revision"]
            for message in sorted(result["messages"], key=lambda m: m["revision"]):
                key = (message["message_id"], message["revision"])
                if key in self._consumed:
                    continue
                if _matches(message, contains, predicate):
                    self._consumed.add(key)
                    return message
                seen.append(message)
        wanted = f" containing {contains!r}" if contains else ""
        got = [m.get("text") or m.get("caption") or "<media>" for m in seen]
        raise TimeoutError(f"user {self.user_id}: no bot message{wanted} within {timeout}s; received {got}")


class SimulatedUser(_ControlApi, UserConversation):
    """A Telegram user in a private chat with the bot of ``token``, over the control API's HTTP.

    Profile fields left None keep what the emulator already knows about this user id
    (a user never seen before is called ``User <id>``).
    """

    def __init__(
        self,
        base_url: str,
        token: str,
        user_id: int,
        first_name: str | None = None,
        *,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = None,
        session: ClientSession | None = None,
    ) -> None:
        _ControlApi.__init__(self, base_url, token, session=session)
        UserConversation.__init__(
            self, user_id, first_name, last_name=last_name, username=username, language_code=language_code
        )

    async def _post(self, action: str, fields: dict[str, Any]) -> dict[str, Any]:
        result: dict[str, Any] = await self._call("POST", f"users/{self.user_id}/{action}", json=fields)
        return result

    async def _messages_since(self, since: int, timeout: float) -> dict[str, Any]:
        result: dict[str, Any] = await self._call(
            "GET", f"users/{self.user_id}/messages", wait=timeout, params=_query(since=since, timeout=timeout)
        )
        return result

    async def upload_document(
        self, data: bytes, filename: str = "file.bin", mime_type: str | None = None, caption: str | None = None
    ) -> Message:
        """Send a file as a document."""
        return await self._upload("document", data, filename, mime_type or "application/octet-stream", caption)

    async def upload_photo(self, data: bytes, filename: str = "photo.jpg", caption: str | None = None) -> Message:
        """Send a photo (the message carries an array of PhotoSize)."""
        return await self._upload("photo", data, filename, "image/jpeg", caption)

    async def upload_voice(
        self, data: bytes, duration: int = 1, mime_type: str = "audio/ogg", caption: str | None = None
    ) -> Message:
        """Send a voice note."""
        return await self._upload("voice", data, "voice.ogg", mime_type, caption, duration=duration)

    async def messages(self, *, include_deleted: bool = False) -> list[Message]:
        """Every bot message to this user, oldest first, in its current state (extra keys: deleted, revision)."""
        query = _query(include_deleted=include_deleted)
        messages: list[Message] = (await self._call("GET", f"users/{self.user_id}/messages", params=query))["messages"]
        return messages

    async def last_message(self) -> Message | None:
        """The latest bot message not deleted, or None."""
        messages = await self.messages()
        return messages[-1] if messages else None

    async def reply_keyboard(self) -> dict[str, Any] | None:
        """The reply keyboard the bot currently shows this user, or None."""
        no_messages = {"after": 2**62}  # only the keyboard is wanted
        result = await self._call("GET", f"users/{self.user_id}/messages", params=no_messages)
        keyboard: dict[str, Any] | None = result["reply_keyboard"]
        return keyboard

    async def callback_answers(self) -> list[dict[str, Any]]:
        """The bot's answers to this user's presses, oldest first.

        Each: ``callback_query_id``, ``data``, ``message_id``, ``text``, ``show_alert``, ``url``, ``cache_time``.
        """
        result: list[dict[str, Any]] = await self._call("GET", f"users/{self.user_id}/callback_answers")
        return result

    async def wait_for_answer(self, query_id: str | None = None, timeout: float = 5.0) -> dict[str, Any]:
        """The bot's answer to a callback query (default: the last press); TimeoutError if none comes."""
        query_id = query_id or self.last_callback_query_id
        if query_id is None:
            raise ValueError("no callback query to wait for")
        params = {"query_id": query_id, "timeout": str(timeout)}
        answers = await self._call("GET", f"users/{self.user_id}/callback_answers", wait=timeout, params=params)
        for answer in answers:
            if answer["callback_query_id"] == query_id:
                return dict(answer)
        raise TimeoutError(f"callback query {query_id} was not answered within {timeout}s")

    async def _upload(
        self, kind: str, data: bytes, filename: str, mime_type: str, caption: str | None, *, duration: int = 0
    ) -> Message:
        form = FormData(quote_fields=False)  # file names as clients send them, not percent-encoded
        form.add_field("kind", kind)
        form.add_field("user", json.dumps(self.profile))
        form.add_field("duration", str(duration))
        if caption:
            form.add_field("caption", caption)
        form.add_field("file", data, filename=filename, content_type=mime_type)
        update = self._acted(await self._call("POST", f"users/{self.user_id}/files", data=form))
        message: Message = update["message"]
        return message


def _query(**values: Any) -> dict[str, str]:
    return {k: str(v).lower() if isinstance(v, bool) else str(v) for k, v in values.items()}


def _matches(message: Message, contains: str | None, predicate: Callable[[Message], bool] | None) -> bool:
    if message.get("deleted"):
        return False
    text = message.get("text") or message.get("caption") or ""
    return (contains is None or contains in text) and (predicate is None or predicate(message))
