"""The Bot API methods the emulator implements, and ``execute`` which validates and runs any call."""

from __future__ import annotations

import json
import mimetypes
import re
from collections.abc import Awaitable, Callable
from functools import partial
from typing import Any

from sandbox.emulator.errors import ApiError, bad_request, conflict, not_found
from sandbox.emulator.files import KINDS, StoredFile, image_size
from sandbox.emulator.formatting import format_text, utf16_len
from sandbox.emulator.locations import location_object
from sandbox.emulator.markup import check_reply_markup
from sandbox.emulator.params import Params, Upload, Uploads, check_required, missing, typed_params
from sandbox.emulator.spec import MethodSpec, find_method
from sandbox.emulator.state import BotState, Chat, StoredMessage, now

Handler = Callable[[BotState, Params], Awaitable[Any]]
_HANDLERS: dict[str, Handler] = {}
_COMMAND_RE = re.compile(r"^[a-z0-9_]{1,32}$")
_SECRET_RE = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
_CHAT_ACTIONS = frozenset({
    "typing", "upload_photo", "record_video", "upload_video", "record_voice", "upload_voice",
    "upload_document", "choose_sticker", "find_location", "record_video_note", "upload_video_note",
})  # fmt: skip
_NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly the same "
    "as a current content and reply markup of the message"
)
_QUERY_INVALID = "query is too old and response timeout expired or query ID is invalid"
_WEBHOOK_ACTIVE = "can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first"


async def execute(bot: BotState, method_name: str, raw: Params, uploads: Uploads) -> Any:
    """Validate a call against the spec, run it and log it; raises ``ApiError`` like Telegram."""
    try:
        spec = find_method(method_name)
        if spec is None or spec.name in bot.missing_methods:
            raise not_found("method not found")
        params = _prepared(spec, raw, uploads)
        result = await _run(bot, spec, params)
    except ApiError as exc:
        bot.log_call(method_name, raw, exc.code, exc.description)
        raise
    bot.log_call(spec.name, params, 200)
    return result


def _prepared(spec: MethodSpec, raw: Params, uploads: Uploads) -> Params:
    params = typed_params(spec, raw)
    for name, field in spec.fields.items():
        value = params.get(name)
        if "InputFile" not in field.types:
            continue
        if isinstance(value, str) and value.startswith("attach://"):
            params[name] = uploads.get(value.removeprefix("attach://"))
            if params[name] is None:
                raise bad_request(f"there is no file {value} in the request")
        elif value is None and name in uploads:
            params[name] = uploads[name]
    check_required(spec, params)
    return params


async def _run(bot: BotState, spec: MethodSpec, params: Params) -> Any:
    handler = _HANDLERS.get(spec.name.lower())
    if handler is not None:
        return await handler(bot, params)
    if spec.returns == ("Boolean",):
        return True
    raise bad_request("method not supported by the emulator")


def _method(*names: str) -> Callable[[Handler], Handler]:
    def register(handler: Handler) -> Handler:
        for name in names:
            _HANDLERS[name.lower()] = handler
        return handler

    return register


# --- bot, updates, webhook ---------------------------------------------------------------------


@_method("getMe")
async def _get_me(bot: BotState, p: Params) -> Any:
    return bot.me()


@_method("logOut", "close")
async def _true(bot: BotState, p: Params) -> Any:
    return True


@_method("getUpdates")
async def _get_updates(bot: BotState, p: Params) -> Any:
    if bot.webhook.url:
        raise conflict(_WEBHOOK_ACTIVE)
    bot.updates.set_allowed(p.get("allowed_updates"))
    if p.get("offset") is not None:
        bot.updates.confirm(p["offset"])
    limit = min(max(int(p.get("limit") or 100), 1), 100)
    bot.poll_generation += 1
    generation = bot.poll_generation
    bot.notifier.notify()  # an older long poll of this bot ends with 409
    updates = await bot.notifier.wait_until(
        lambda: bot.poll_generation != generation or bot.updates.peek(limit), float(p.get("timeout") or 0)
    )
    if bot.poll_generation != generation:
        raise conflict("terminated by other getUpdates request; make sure that only one bot instance is running")
    return updates or []


@_method("setWebhook")
async def _set_webhook(bot: BotState, p: Params) -> Any:
    url, secret = str(p["url"]), p.get("secret_token")
    if not url.startswith(("http://", "https://")):
        raise bad_request("bad webhook: An HTTP(S) URL must be provided for webhook")
    if secret is not None and not _SECRET_RE.match(str(secret)):
        raise bad_request("secret token contains unallowed characters")
    if p.get("drop_pending_updates"):
        bot.updates.clear()
    bot.updates.set_allowed(p.get("allowed_updates"))
    await bot.webhook.enable(url, secret, int(p.get("max_connections") or 40), partial(execute, bot))
    return True


@_method("deleteWebhook")
async def _delete_webhook(bot: BotState, p: Params) -> Any:
    await bot.webhook.disable()
    if p.get("drop_pending_updates"):
        bot.updates.clear()
    return True


@_method("getWebhookInfo")
async def _get_webhook_info(bot: BotState, p: Params) -> Any:
    return bot.webhook.info()


# --- sending and editing -------------------------------------------------------------------------


@_method("sendMessage")
async def _send_message(bot: BotState, p: Params) -> Any:
    chat = bot.writable_chat(p["chat_id"])
    return _deliver(bot, chat, p, _text(bot, p))


async def _send_file(kind: str, bot: BotState, p: Params) -> Any:
    chat = bot.writable_chat(p["chat_id"])
    stored = _input_file(bot, kind, p[kind], p)
    return _deliver(bot, chat, p, {**stored.message_field(), **_caption(bot, p)})


for _kind in KINDS:
    _HANDLERS[f"send{_kind}"] = partial(_send_file, _kind)


@_method("sendLocation")
async def _send_location(bot: BotState, p: Params) -> Any:
    chat = bot.writable_chat(p["chat_id"])
    return _deliver(bot, chat, p, {"location": location_object(p)})


@_method("editMessageText")
async def _edit_text(bot: BotState, p: Params) -> Any:
    chat, stored = _editable(bot, p)
    if "text" not in stored.data:
        raise bad_request("there is no text in the message to edit")
    return _edit(bot, chat, stored, {**_text(bot, p), "reply_markup": _inline_markup(bot, p)})


@_method("editMessageCaption")
async def _edit_caption(bot: BotState, p: Params) -> Any:
    chat, stored = _editable(bot, p)
    if not any(kind in stored.data for kind in KINDS):
        raise bad_request("there is no caption in the message to edit")
    return _edit(bot, chat, stored, {**_caption(bot, p), "reply_markup": _inline_markup(bot, p)})


@_method("editMessageReplyMarkup")
async def _edit_reply_markup(bot: BotState, p: Params) -> Any:
    chat, stored = _editable(bot, p)
    return _edit(bot, chat, stored, {"reply_markup": _inline_markup(bot, p)})


@_method("deleteMessage")
async def _delete_message(bot: BotState, p: Params) -> Any:
    chat = bot.chat(p["chat_id"])
    stored = chat.message(p["message_id"])
    if stored is None:
        raise bad_request("message to delete not found")
    bot.replace_message(stored, stored.data, deleted=True)
    return True


@_method("deleteMessages")
async def _delete_messages(bot: BotState, p: Params) -> Any:
    chat = bot.chat(p["chat_id"])
    ids = p["message_ids"]
    if not isinstance(ids, list) or not 1 <= len(ids) <= 100:
        raise bad_request("message_ids must be a list of 1-100 identifiers")
    for stored in filter(None, map(chat.message, ids)):
        bot.replace_message(stored, stored.data, deleted=True)
    return True


@_method("getChat")
async def _get_chat(bot: BotState, p: Params) -> Any:
    chat = bot.chat(p["chat_id"])
    gifts = ("unlimited_gifts", "limited_gifts", "unique_gifts", "premium_subscription", "gifts_from_channels")
    extra = {"accent_color_id": 0, "max_reaction_count": 11, "accepted_gift_types": dict.fromkeys(gifts, True)}
    return {**chat.profile.chat_json(), **extra}


@_method("sendChatAction")
async def _send_chat_action(bot: BotState, p: Params) -> Any:
    bot.writable_chat(p["chat_id"])
    if p["action"] not in _CHAT_ACTIONS:
        raise bad_request("wrong parameter action in request")
    return True


@_method("answerCallbackQuery")
async def _answer_callback_query(bot: BotState, p: Params) -> Any:
    query = bot.callback_queries.get(str(p["callback_query_id"]))
    if query is None or query.answer is not None:
        raise bad_request(_QUERY_INVALID)
    text = p.get("text") or ""
    if len(text) > bot.limits.callback_answer_text_max:
        raise bad_request("MESSAGE_TOO_LONG")
    query.answer = {
        "text": text or None,
        "show_alert": bool(p.get("show_alert")),
        "url": p.get("url"),
        "cache_time": int(p.get("cache_time") or 0),
    }
    query.answered_revision = bot.changed(query.user_id)
    return True


def _text(bot: BotState, p: Params) -> dict[str, Any]:
    """``text`` and ``entities`` of a message: 1-4096 characters after entity parsing (UTF-16 code units)."""
    text, entities = format_text(str(p.get("text") or ""), p.get("parse_mode"), p.get("entities"))
    if not text:
        raise missing("text")
    if utf16_len(text) > bot.limits.text_max:
        raise bad_request("message is too long")
    return {"text": text, "entities": entities}


def _caption(bot: BotState, p: Params) -> dict[str, Any]:
    """``caption`` and ``caption_entities`` of a file message: 0-1024 characters after entity parsing (UTF-16)."""
    caption, entities = format_text(str(p.get("caption") or ""), p.get("parse_mode"), p.get("caption_entities"))
    if utf16_len(caption) > bot.limits.caption_max:
        raise bad_request("message caption is too long")
    return {"caption": caption, "caption_entities": entities}


def _reply_to(chat: Chat, p: Params) -> dict[str, Any] | None:
    parameters = p.get("reply_parameters")
    if parameters is None:
        return None
    if not isinstance(parameters, dict) or not isinstance(parameters.get("message_id"), int):
        raise bad_request("can't parse reply parameters JSON object")
    target = chat.message(parameters["message_id"])
    if target is not None:
        return {k: v for k, v in target.data.items() if k != "reply_to_message"}
    if parameters.get("allow_sending_without_reply"):
        return None
    raise bad_request("message to be replied not found")


def _deliver(bot: BotState, chat: Chat, p: Params, content: dict[str, Any]) -> dict[str, Any]:
    """Validate markup and reply, pass flood control, store the bot's message and return it."""
    markup = check_reply_markup(p.get("reply_markup"), bot.limits)
    reply = _reply_to(chat, p)
    bot.flood.admit(chat.id)
    if markup is not None and "keyboard" in markup:
        chat.reply_keyboard = markup
    elif markup is not None and markup.get("remove_keyboard"):
        chat.reply_keyboard = None
    extra = {"reply_to_message": reply, "reply_markup": markup if markup and "inline_keyboard" in markup else None}
    fields = {k: v for k, v in {**content, **extra}.items() if v}
    return bot.add_message(chat, fields, outgoing=True).data


def _editable(bot: BotState, p: Params) -> tuple[Chat, StoredMessage]:
    if p.get("inline_message_id"):
        raise bad_request("inline messages are not supported by the emulator")
    for name in ("chat_id", "message_id"):
        if p.get(name) in (None, ""):
            raise missing(name)
    chat = bot.writable_chat(p["chat_id"])
    stored = chat.message(p["message_id"])
    if stored is None:
        raise bad_request("message to edit not found")
    if not stored.outgoing:
        raise bad_request("message can't be edited")
    return chat, stored


def _inline_markup(bot: BotState, p: Params) -> dict[str, Any] | None:
    return check_reply_markup(p.get("reply_markup"), bot.limits, inline_only=True)


def _edit(bot: BotState, chat: Chat, stored: StoredMessage, changes: dict[str, Any]) -> dict[str, Any]:
    """Apply ``changes`` (a falsy value removes the field), refusing a no-op like Telegram."""
    current = {k: v for k, v in stored.data.items() if k != "edit_date"}
    updated = {k: v for k, v in current.items() if k not in changes} | {k: v for k, v in changes.items() if v}
    if updated == current:
        raise bad_request(_NOT_MODIFIED)
    bot.flood.admit(chat.id)
    bot.replace_message(stored, {**updated, "edit_date": now()})
    return stored.data


def _input_file(bot: BotState, kind: str, value: Any, p: Params) -> StoredFile:
    """The file of ``document``/``photo``/``voice``: a fresh upload or a known file_id."""
    if isinstance(value, Upload):
        return _store_upload(bot, kind, value, int(p.get("duration") or 0))
    if not isinstance(value, str):
        raise bad_request(f"there is no {kind} in the request")
    if value.startswith(("http://", "https://")):
        raise bad_request("failed to get HTTP URL content")
    stored = bot.files.get(value)
    if stored is None:
        raise bad_request("wrong file identifier/HTTP URL specified")
    if stored.kind != kind:
        raise bad_request(f"can't use file of type {stored.kind.title()} as {kind.title()}")
    return stored


def _store_upload(bot: BotState, kind: str, upload: Upload, duration: int) -> StoredFile:
    if not upload.data:
        raise bad_request("file must be non-empty")
    size = (0, 0)
    if kind == "photo":
        size = image_size(upload.data) or (0, 0)
        if size == (0, 0):
            raise bad_request("IMAGE_PROCESS_FAILED")
    declared = upload.content_type if upload.content_type != "application/octet-stream" else None
    mime = declared or mimetypes.guess_type(upload.filename)[0] or ("audio/ogg" if kind == "voice" else None)
    return bot.files.add(kind, upload.data, file_name=upload.filename, mime_type=mime, duration=duration, size=size)


# --- files, commands, menu button ---------------------------------------------------------------


@_method("getFile")
async def _get_file(bot: BotState, p: Params) -> Any:
    stored = bot.files.get(str(p["file_id"]))
    if stored is None:
        raise bad_request("wrong file_id or the file is temporarily unavailable")
    if len(stored.data) > bot.limits.download_max_bytes:
        raise bad_request("file is too big")
    return stored.file_object()


def _commands_key(p: Params) -> tuple[str, str]:
    scope = p.get("scope") or {"type": "default"}
    return json.dumps(scope, sort_keys=True), str(p.get("language_code") or "")


@_method("setMyCommands")
async def _set_my_commands(bot: BotState, p: Params) -> Any:
    commands = p["commands"]
    if not isinstance(commands, list) or len(commands) > 100:
        raise bad_request("can't parse commands JSON object")
    for command in commands:
        if not isinstance(command, dict) or not _COMMAND_RE.match(str(command.get("command", ""))):
            raise bad_request("BOT_COMMAND_INVALID")
        if not 1 <= len(str(command.get("description") or "")) <= 256:
            raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
    bot.commands[_commands_key(p)] = [{k: v for k, v in c.items() if v is not None} for c in commands]
    return True


@_method("getMyCommands")
async def _get_my_commands(bot: BotState, p: Params) -> Any:
    return bot.commands.get(_commands_key(p), [])


@_method("deleteMyCommands")
async def _delete_my_commands(bot: BotState, p: Params) -> Any:
    bot.commands.pop(_commands_key(p), None)
    return True


@_method("setChatMenuButton")
async def _set_chat_menu_button(bot: BotState, p: Params) -> Any:
    bot.menu_buttons[p.get("chat_id")] = p.get("menu_button") or {"type": "default"}
    return True


@_method("getChatMenuButton")
async def _get_chat_menu_button(bot: BotState, p: Params) -> Any:
    return bot.menu_buttons.get(p.get("chat_id")) or bot.menu_buttons.get(None) or {"type": "commands"}
