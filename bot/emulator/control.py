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
    POST block, POST unblock                        my_chat_member update; sends answer 403 while blocked
    GET  messages?after=&since=&timeout=&include_deleted=   bot messages in their current state
         (+ ``deleted``, ``revision``); waits up to ``timeout`` s for a new one (id > after) or a change
         (revision > since, or during the wait when only ``after`` is given)
    GET  callback_answers?query_id=&timeout=        the bot's answers, in answer order
``/_emulator/{token}/...``
    POST updates (any Update object)   POST reset   GET|POST flood {enabled?, rates}   GET calls?method=
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from dataclasses import fields, replace
from functools import partial
from typing import Any

from aiohttp import web

from bot.emulator.errors import ApiError, bad_request
from bot.emulator.files import KINDS, image_size
from bot.emulator.params import read_body
from bot.emulator.simulation import edit_message, press_button, send_message, set_blocked
from bot.emulator.state import BotState, StoredMessage, UserProfile
from bot.emulator.updates import Update
from bot.emulator.webutil import STATE_KEY, json_error, json_ok

PREFIX = "/_emulator/{token}"
MAX_WAIT = 60.0
Endpoint = Callable[[web.Request, BotState], Awaitable[Any]]
_PROFILE_FIELDS = tuple(f.name for f in fields(UserProfile) if f.name != "id")


def add_control_routes(router: web.UrlDispatcher) -> None:
    """Register every control endpoint."""
    user = f"{PREFIX}/users/{{user_id:-?\\d+}}"
    router.add_post(f"{user}/messages", _endpoint(_post_message))
    router.add_get(f"{user}/messages", _endpoint(_get_messages))
    router.add_post(f"{user}/edits", _endpoint(_post_edit))
    router.add_post(f"{user}/press", _endpoint(_post_press))
    router.add_post(f"{user}/files", _endpoint(_post_file))
    router.add_post(f"{user}/block", _endpoint(partial(_post_blocked, True)))
    router.add_post(f"{user}/unblock", _endpoint(partial(_post_blocked, False)))
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
        except ApiError as exc:
            return json_error(exc)
        except (ValueError, TypeError) as exc:  # a UserActionError or a malformed field
            return json_error(bad_request(str(exc)))

    return handler


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


def _profile(request: web.Request, bot: BotState, overrides: Any) -> UserProfile:
    """The acting user: the stored profile (or a default one) updated with the fields sent."""
    user_id = int(request.match_info["user_id"])
    known = bot.chats.get(user_id)
    base = known.profile if known is not None else UserProfile(user_id, f"User {user_id}")
    if not isinstance(overrides, dict):
        return base
    return replace(base, **{k: overrides[k] for k in _PROFILE_FIELDS if k in overrides})


def _acted(bot: BotState, update: Update | None) -> dict[str, Any]:
    return {"update": update, "revision": bot.revision}


async def _post_message(request: web.Request, bot: BotState) -> Any:
    body = await _json_body(request)
    text, extra = body.get("text"), body.get("extra")
    if extra is not None and not isinstance(extra, dict):
        raise bad_request("extra must be an object of Message fields")
    if not extra and (not isinstance(text, str) or not text):
        raise bad_request("text is empty")
    profile = _profile(request, bot, body.get("user"))
    reply_to = body.get("reply_to_message_id")
    return _acted(bot, send_message(bot, profile, text or None, reply_to_message_id=reply_to, extra=extra))


async def _post_edit(request: web.Request, bot: BotState) -> Any:
    body = await _json_body(request)
    profile = _profile(request, bot, body.get("user"))
    return _acted(bot, edit_message(bot, profile, int(body.get("message_id", 0)), str(body.get("text") or "")))


async def _post_press(request: web.Request, bot: BotState) -> Any:
    body = await _json_body(request)
    update = press_button(
        bot,
        _profile(request, bot, body.get("user")),
        text=body.get("text"),
        data=body.get("data"),
        message_id=body.get("message_id"),
        force=bool(body.get("force")),
    )
    return _acted(bot, update)


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
    profile = _profile(request, bot, json.loads(params.get("user") or "null"))
    return _acted(bot, send_message(bot, profile, media=stored, caption=params.get("caption")))


async def _post_blocked(blocked: bool, request: web.Request, bot: BotState) -> Any:
    body = await _json_body(request)
    return _acted(bot, set_blocked(bot, _profile(request, bot, body.get("user")), blocked))


async def _get_messages(request: web.Request, bot: BotState) -> Any:
    """Bot messages to the user in their current state (oldest first), optionally waiting for news.

    Without filters: all of them. ``since=R``: those sent, edited or deleted after revision R.
    ``after=N``: those with an id above N or changed during this request. With ``timeout=T`` the
    request waits up to T seconds for at least one. ``include_deleted=1`` keeps deleted ones.
    """
    user_id = int(request.match_info["user_id"])
    after, since = _int_query(request, "after"), _int_query(request, "since")
    if after is not None and since is None:
        since = bot.revision
    include_deleted = request.query.get("include_deleted", "").lower() in ("1", "true")

    def wanted(message: StoredMessage) -> bool:
        if not include_deleted and message.deleted:
            return False
        if after is None and since is None:
            return True
        return (after is not None and message.message_id > after) or (since is not None and message.revision > since)

    def select() -> list[StoredMessage]:
        chat = bot.chats.get(user_id)
        return [m for m in chat.bot_messages() if wanted(m)] if chat else []

    found = await bot.chat_notifier(user_id).wait_until(select, _timeout(request))
    chat = bot.chats.get(user_id)
    return {
        "messages": [m.view() for m in found],
        "revision": bot.revision,
        "reply_keyboard": chat.reply_keyboard if chat else None,
    }


async def _get_callback_answers(request: web.Request, bot: BotState) -> Any:
    """The bot's answers to the user's button presses, in answer order.

    ``query_id`` with ``timeout`` first waits until that query is answered.
    """
    user_id, query_id = int(request.match_info["user_id"]), request.query.get("query_id")
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
