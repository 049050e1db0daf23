"""HTTP control API through which simulated users act and tests observe, from any process.

Every answer is ``{"ok": true, "result": ...}`` or ``{"ok": false, "error_code", "description"}``.
User actions take an optional ``user`` object (first_name, last_name, username, language_code) and
answer ``{"update": <the update created>, "revision": <state revision after it>}``.

``/_emulator/{token}/users/{user_id}/...``
    POST messages {text?, reply_to_message_id?, extra?}   the user writes (``/cmd`` gets bot_command entities);
                                                    ``extra``: raw Message fields (sticker, location, media_group_id...)
    POST edits {message_id, text}                   edited_message update
    POST press {text?, data?, message_id?, force?}  callback_query (or a reply-keyboard button's text)
    POST files (multipart: kind, file, caption?, duration?, user?)   document / photo / voice message
    POST locations {latitude, longitude, horizontal_accuracy?, button?, venue?, title?, address?}
                                                    a shared location (by a request_location button) or venue
    POST block, POST unblock                        my_chat_member update; sends answer 403 while blocked
    GET  messages?after=&since=&timeout=&include_deleted=   bot messages in their current state
         (+ ``deleted``, ``revision``); waits up to ``timeout`` s for a new one (id > after) or a change
         (revision > since, or during the wait when only ``after`` is given)
    GET  callback_answers?query_id=&timeout=        the bot's answers, in answer order
``/_emulator/{token}/...``
    POST updates (any Update object)   POST reset   GET|POST flood {enabled?, rates}   GET calls?method=

The JSON user actions and the message query are plain functions too (``user_acts``, ``user_messages``),
which ``LocalUser`` (sandbox/emulator/local.py) calls in-process with the same results and refusals.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from dataclasses import fields, replace
from functools import partial
from typing import Any

from aiohttp import web

from sandbox.emulator.errors import ApiError, bad_request
from sandbox.emulator.files import KINDS, image_size
from sandbox.emulator.params import read_body
from sandbox.emulator.simulation import edit_message, press_button, send_message, set_blocked, share_location
from sandbox.emulator.state import BotState, StoredMessage, UserProfile
from sandbox.emulator.updates import Update
from sandbox.emulator.webutil import STATE_KEY, json_error, json_ok

PREFIX = "/_emulator/{token}"
MAX_WAIT = 60.0
REFUSED = (ApiError, ValueError, TypeError)  # what an endpoint answers as an error (see ``refusal``)
Endpoint = Callable[[web.Request, BotState], Awaitable[Any]]
UserAction = Callable[[BotState, UserProfile, dict[str, Any]], Update | None]
_PROFILE_FIELDS = tuple(f.name for f in fields(UserProfile) if f.name != "id")


def add_control_routes(router: web.UrlDispatcher) -> None:
    """Register every control endpoint."""
    user = f"{PREFIX}/users/{{user_id:-?\\d+}}"
    for action in _USER_ACTIONS:
        router.add_post(f"{user}/{action}", _endpoint(partial(_post_action, action)))
    router.add_get(f"{user}/messages", _endpoint(_get_messages))
    router.add_post(f"{user}/files", _endpoint(_post_file))
    router.add_get(f"{user}/callback_answers", _endpoint(_get_callback_answers))
    router.add_post(f"{PREFIX}/updates", _endpoint(_post_update))
    router.add_post(f"{PREFIX}/reset", _endpoint(_post_reset))
    router.add_get(f"{PREFIX}/flood", _endpoint(_get_flood))
    router.add_post(f"{PREFIX}/flood", _endpoint(_post_flood))
    router.add_get(f"{PREFIX}/calls", _endpoint(_get_calls))


def _endpoint(func: Endpoint) -> Callable[[web.Request], Awaitable[web.Response]]:
    async def handler(request: web.Request) -> web.Response:
        try:
            bot = request.app[STATE_KEY].bot(request.match_info["token"])
            return json_ok(await func(request, bot))
        except REFUSED as exc:
            return json_error(refusal(exc))

    return handler


def refusal(exc: Exception) -> ApiError:
    """How the control API refuses on one of ``REFUSED``: an ApiError as it is, a UserActionError or a
    malformed field as 400 with its text."""
    return exc if isinstance(exc, ApiError) else bad_request(str(exc))


async def _json_body(request: web.Request) -> dict[str, Any]:
    if not request.can_read_body:
        return {}
    try:
        body = await request.json()
    except ValueError as exc:
        raise bad_request("can't parse JSON request body") from exc
    if not isinstance(body, dict):
        raise bad_request("the JSON request body must be an object")
    return body


def acting_profile(bot: BotState, user_id: int, overrides: Any) -> UserProfile:
    """The acting user: the stored profile (or a default one) updated with the fields sent."""
    known = bot.chats.get(user_id)
    base = known.profile if known is not None else UserProfile(user_id, f"User {user_id}")
    if not isinstance(overrides, dict):
        return base
    return replace(base, **{k: overrides[k] for k in _PROFILE_FIELDS if k in overrides})


def user_acts(bot: BotState, user_id: int, action: str, body: dict[str, Any]) -> dict[str, Any]:
    """The JSON user action ``action`` (``messages``, ``edits``, ``press``, ``locations``, ``block``,
    ``unblock``) with the fields of its body:
    ``{"update": <the update created>, "revision": <state revision after it>}``."""
    return _acted(bot, _USER_ACTIONS[action](bot, acting_profile(bot, user_id, body.get("user")), body))


def _acted(bot: BotState, update: Update | None) -> dict[str, Any]:
    return {"update": update, "revision": bot.revision}


def _write(bot: BotState, profile: UserProfile, body: dict[str, Any]) -> Update:
    text, extra = body.get("text"), body.get("extra")
    if extra is not None and not isinstance(extra, dict):
        raise bad_request("extra must be an object of Message fields")
    if not extra and (not isinstance(text, str) or not text):
        raise bad_request("text is empty")
    reply_to = body.get("reply_to_message_id")
    return send_message(bot, profile, text or None, reply_to_message_id=reply_to, extra=extra)


def _edit(bot: BotState, profile: UserProfile, body: dict[str, Any]) -> Update:
    return edit_message(bot, profile, int(body.get("message_id", 0)), str(body.get("text") or ""))


def _press(bot: BotState, profile: UserProfile, body: dict[str, Any]) -> Update:
    text, data, message_id = body.get("text"), body.get("data"), body.get("message_id")
    return press_button(bot, profile, text=text, data=data, message_id=message_id, force=bool(body.get("force")))


def _share_location(bot: BotState, profile: UserProfile, body: dict[str, Any]) -> Update:
    return share_location(bot, profile, body, button=body.get("button"), venue=bool(body.get("venue")))


def _blocked(blocked: bool, bot: BotState, profile: UserProfile, body: dict[str, Any]) -> Update | None:
    return set_blocked(bot, profile, blocked)


_USER_ACTIONS: dict[str, UserAction] = {
    "messages": _write,
    "edits": _edit,
    "press": _press,
    "locations": _share_location,
    "block": partial(_blocked, True),
    "unblock": partial(_blocked, False),
}


def _user_id(request: web.Request) -> int:
    return int(request.match_info["user_id"])


async def _post_action(action: str, request: web.Request, bot: BotState) -> Any:
    return user_acts(bot, _user_id(request), action, await _json_body(request))


async def _post_file(request: web.Request, bot: BotState) -> Any:
    params, uploads = await read_body(request.headers, request.content, max_upload=bot.limits.upload_max_bytes)
    kind, upload = params.get("kind"), uploads.get("file")
    if kind not in KINDS or upload is None or not upload.data:
        raise bad_request(f"send kind (one of {', '.join(KINDS)}) and a non-empty file part named 'file'")
    size = (image_size(upload.data) or (0, 0)) if kind == "photo" else (0, 0)
    duration = int(params.get("duration") or 0)
    stored = bot.files.add(
        kind, upload.data, file_name=upload.filename, mime_type=upload.content_type, duration=duration, size=size
    )
    profile = acting_profile(bot, _user_id(request), json.loads(params.get("user") or "null"))
    return _acted(bot, send_message(bot, profile, media=stored, caption=params.get("caption")))


async def user_messages(
    bot: BotState,
    user_id: int,
    *,
    after: int | None = None,
    since: int | None = None,
    include_deleted: bool = False,
    timeout: float = 0.0,
) -> dict[str, Any]:
    """Bot messages to the user in their current state (oldest first), optionally waiting for news.

    Without filters: all of them. ``since=R``: those sent, edited or deleted after revision R.
    ``after=N``: those with an id above N or changed during this call. With ``timeout=T`` the
    call waits up to T seconds for at least one. ``include_deleted`` keeps deleted ones.
    Answers ``{"messages": [...], "revision": ..., "reply_keyboard": ...}``.
    """
    if after is not None and since is None:
        since = bot.revision

    def wanted(message: StoredMessage) -> bool:
        if not include_deleted and message.deleted:
            return False
        if after is None and since is None:
            return True
        return (after is not None and message.message_id > after) or (since is not None and message.revision > since)

    def select() -> list[StoredMessage]:
        chat = bot.chats.get(user_id)
        return [m for m in chat.bot_messages() if wanted(m)] if chat else []

    found = await bot.chat_notifier(user_id).wait_until(select, timeout)
    chat = bot.chats.get(user_id)
    return {
        "messages": [m.view() for m in found],
        "revision": bot.revision,
        "reply_keyboard": chat.reply_keyboard if chat else None,
    }


async def _get_messages(request: web.Request, bot: BotState) -> Any:
    """``user_messages`` with the query's ``after``, ``since``, ``include_deleted`` (1/true) and ``timeout``."""
    after, since = _int_query(request, "after"), _int_query(request, "since")
    include_deleted = request.query.get("include_deleted", "").lower() in ("1", "true")
    return await user_messages(
        bot, _user_id(request), after=after, since=since, include_deleted=include_deleted, timeout=_timeout(request)
    )


async def _get_callback_answers(request: web.Request, bot: BotState) -> Any:
    """The bot's answers to the user's button presses, in answer order.

    ``query_id`` with ``timeout`` first waits until that query is answered.
    """
    user_id, query_id = _user_id(request), request.query.get("query_id")
    if query_id is not None:
        query = bot.callback_queries.get(query_id)
        if query is None or query.user_id != user_id:
            raise bad_request(f"no callback query {query_id} from user {user_id}")
        await bot.chat_notifier(user_id).wait_until(lambda: query.answer, _timeout(request))
    answered = [q for q in bot.callback_queries.values() if q.user_id == user_id and q.answer is not None]
    return [q.view() for q in sorted(answered, key=lambda q: q.answered_revision)]


async def _post_update(request: web.Request, bot: BotState) -> Any:
    return bot.enqueue(await _json_body(request))


async def _post_reset(request: web.Request, bot: BotState) -> Any:
    await bot.reset()
    return True


async def _get_flood(request: web.Request, bot: BotState) -> Any:
    return bot.flood.stats()


async def _post_flood(request: web.Request, bot: BotState) -> Any:
    """Body: ``enabled`` and/or ``global_rate``, ``global_burst``, ``chat_rate``, ``chat_burst``."""
    body = await _json_body(request)
    try:
        bot.flood.configure(**body)
    except ValueError as exc:
        raise bad_request(str(exc)) from exc
    return bot.flood.stats()


async def _get_calls(request: web.Request, bot: BotState) -> Any:
    """The Bot API call log; ``method`` filters by method name (case-insensitive)."""
    method = request.query.get("method", "").lower()
    return [call.view() for call in bot.calls if not method or call.method.lower() == method]


def _int_query(request: web.Request, name: str) -> int | None:
    value = request.query.get(name)
    try:
        return None if value in (None, "") else int(value)
    except ValueError as exc:
        raise bad_request(f"{name} must be an integer") from exc


def _timeout(request: web.Request) -> float:
    try:
        return min(max(float(request.query.get("timeout") or 0), 0.0), MAX_WAIT)
    except ValueError as exc:
        raise bad_request("timeout must be a number") from exc
