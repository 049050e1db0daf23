"""What simulated users do to a bot: write, edit, press buttons, upload files, block the bot."""

from __future__ import annotations

import secrets
from typing import Any

from sandbox.emulator.files import StoredFile
from sandbox.emulator.formatting import user_text_entities
from sandbox.emulator.locations import location_object, venue_object
from sandbox.emulator.markup import inline_buttons, location_button
from sandbox.emulator.state import BotState, CallbackQuery, Chat, StoredMessage, UserProfile, now
from sandbox.emulator.updates import Update

_ASSIGNED = frozenset({"message_id", "from", "chat", "date"})  # set by the emulator on every message


class UserActionError(ValueError):
    """A simulated user tried something a Telegram client would not allow (e.g. pressing a missing button)."""


def send_message(
    bot: BotState,
    profile: UserProfile,
    text: str | None = None,
    *,
    media: StoredFile | None = None,
    caption: str | None = None,
    reply_to_message_id: int | None = None,
    extra: dict[str, Any] | None = None,
) -> Update:
    """The user sends a text (or a file with an optional caption): a ``message`` update.

    ``extra`` adds raw Message fields (a sticker, a location, a media_group_id, a document the
    emulator does not hold...); the ids, sender, chat and date stay the emulator's.
    """
    chat = _active_chat(bot, profile)
    content: dict[str, Any] = dict(extra or {})
    if content.keys() & _ASSIGNED:
        raise UserActionError(f"extra fields may not set {', '.join(sorted(content.keys() & _ASSIGNED))}")
    if reply_to_message_id is not None:
        content["reply_to_message"] = _message(chat, reply_to_message_id).data
    if text is not None:
        content.update(_text_fields("text", "entities", text))
    if media is not None:
        content.update(media.message_field())
    if caption:
        content.update(_text_fields("caption", "caption_entities", caption))
    if not content.keys() - {"reply_to_message"}:
        raise UserActionError("a message needs text or a file")
    stored = bot.add_message(chat, content, outgoing=False)
    return bot.enqueue({"message": stored.data})


def share_location(
    bot: BotState, profile: UserProfile, values: dict[str, Any], *, button: str | None = None, venue: bool = False
) -> Update:
    """The user shares a location (``latitude``, ``longitude``, ``horizontal_accuracy``) or, with ``venue``,
    a place (plus ``title`` and ``address``): from the attachment menu, or by pressing the reply-keyboard
    ``button`` that requests it (which must be on the keyboard the bot shows)."""
    chat = _active_chat(bot, profile)
    if button is not None:
        if not location_button(chat.reply_keyboard, button):
            raise UserActionError(f"no reply-keyboard button {button!r} that requests a location")
        if chat.reply_keyboard and chat.reply_keyboard.get("one_time_keyboard"):
            chat.reply_keyboard = None
    if venue:
        place = venue_object(values)
        return send_message(bot, profile, extra={"venue": place, "location": place["location"]})
    return send_message(bot, profile, extra={"location": location_object(values)})


def edit_message(bot: BotState, profile: UserProfile, message_id: int, text: str) -> Update:
    """The user edits one of their text messages: an ``edited_message`` update."""
    chat = _active_chat(bot, profile)
    stored = _message(chat, message_id)
    if stored.outgoing or "text" not in stored.data:
        raise UserActionError(f"message {message_id} is not a text message of this user")
    data = {k: v for k, v in stored.data.items() if k not in ("text", "entities")}
    bot.replace_message(stored, {**data, **_text_fields("text", "entities", text), "edit_date": now()})
    return bot.enqueue({"edited_message": stored.data})


def press_button(
    bot: BotState,
    profile: UserProfile,
    *,
    text: str | None = None,
    data: str | None = None,
    message_id: int | None = None,
    force: bool = False,
) -> Update:
    """The user presses an inline button (a ``callback_query`` update) or a reply-keyboard button.

    The button is found by ``text`` and/or ``data`` on ``message_id`` or else on the latest bot message
    that has it. ``force`` presses ``data`` even when no current keyboard holds it (forged or stale presses).
    """
    if text is None and data is None:
        raise UserActionError("press needs the button text or its callback data")
    chat = _active_chat(bot, profile)
    candidates = [_message(chat, message_id, deleted_ok=force)] if message_id is not None else chat.bot_messages()
    for stored in reversed(candidates):
        for button in inline_buttons(None if stored.deleted else stored.data.get("reply_markup")):
            if text in (None, button["text"]) and data in (None, button.get("callback_data")):
                if "callback_data" not in button:
                    raise UserActionError(f"button {button['text']!r} has no callback_data")
                return _callback_query(bot, chat, stored, button["callback_data"])
    if text is not None and data is None and message_id is None and _on_reply_keyboard(chat, text):
        if chat.reply_keyboard and chat.reply_keyboard.get("one_time_keyboard"):
            chat.reply_keyboard = None
        return send_message(bot, profile, text)
    if force and data is not None and candidates:
        return _callback_query(bot, chat, candidates[-1], data)
    where = f"message {message_id}" if message_id is not None else "any bot message"
    raise UserActionError(f"no button text={text!r} data={data!r} on {where}")


def set_blocked(bot: BotState, profile: UserProfile, blocked: bool) -> Update | None:
    """The user blocks or unblocks the bot: a ``my_chat_member`` update (None if nothing changed)."""
    chat = bot.user_chat(profile)
    if chat.blocked == blocked:
        return None
    chat.blocked = blocked
    member = {"user": dict(bot.user), "status": "member"}
    kicked = {"user": dict(bot.user), "status": "kicked", "until_date": 0}
    old, new = (member, kicked) if blocked else (kicked, member)
    update = {"chat": profile.chat_json(), "from": profile.user_json(), "date": now()}
    return bot.enqueue({"my_chat_member": {**update, "old_chat_member": old, "new_chat_member": new}})


def _active_chat(bot: BotState, profile: UserProfile) -> Chat:
    """The user's chat; writing to a bot one blocked unblocks it, as Telegram's "Restart" does."""
    set_blocked(bot, profile, False)
    return bot.user_chat(profile)


def _message(chat: Chat, message_id: int, *, deleted_ok: bool = False) -> StoredMessage:
    stored = chat.messages.get(message_id)
    if stored is None or (stored.deleted and not deleted_ok):
        raise UserActionError(f"message {message_id} not found in chat {chat.id}")
    return stored


def _callback_query(bot: BotState, chat: Chat, stored: StoredMessage, data: str) -> Update:
    query_id = str(secrets.randbits(63))
    message = stored.data
    if stored.deleted:  # an InaccessibleMessage
        message = {"chat": stored.data["chat"], "message_id": stored.message_id, "date": 0}
    payload = {
        "id": query_id,
        "from": chat.profile.user_json(),
        "message": message,
        "chat_instance": chat.chat_instance,
        "data": data,
    }
    bot.callback_queries[query_id] = CallbackQuery(query_id, chat.id, stored.message_id, data)
    return bot.enqueue({"callback_query": payload})


def _on_reply_keyboard(chat: Chat, text: str) -> bool:
    rows = (chat.reply_keyboard or {}).get("keyboard") or []
    return any(button["text"] == text for row in rows for button in row)


def _text_fields(text_key: str, entities_key: str, text: str) -> dict[str, Any]:
    entities = user_text_entities(text)
    return {text_key: text, entities_key: entities} if entities else {text_key: text}
