"""The Bot API session: JSON bodies (multipart only for uploads), parsed-response models kept cached."""

from __future__ import annotations

import gc
import json

import pytest
from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest
from aiogram.methods import GetMyShortDescription, GetUpdates, SendDocument, SendMessage
from aiogram.types import BufferedInputFile, InlineKeyboardButton, InlineKeyboardMarkup
from aiohttp import FormData
from aiohttp.payload import JsonPayload
from pydantic._internal import _generics

from bot.api_session import BotApiSession

TOKEN = "42:test"


@pytest.fixture
def session() -> BotApiSession:
    return BotApiSession()


def test_a_message_goes_as_json_with_its_keyboard_as_an_object(session: BotApiSession) -> None:
    markup = InlineKeyboardMarkup(inline_keyboard=[[InlineKeyboardButton(text="منطقه ۵", callback_data="sp:1:0:4")]])
    method = SendMessage(chat_id=7, text="<b>سلام</b>", reply_markup=markup, disable_notification=False)
    body = session.build_form_data(Bot(TOKEN), method)
    assert isinstance(body, JsonPayload) and body.content_type == "application/json"
    sent = json.loads(body.decode())
    assert sent == {
        "chat_id": 7,
        "text": "<b>سلام</b>",
        "disable_notification": False,
        "reply_markup": {"inline_keyboard": [[{"text": "منطقه ۵", "callback_data": "sp:1:0:4"}]]},
    }


def test_an_upload_goes_as_a_multipart_form(session: BotApiSession) -> None:
    method = SendDocument(chat_id=7, document=BufferedInputFile(b"minutes", filename="minutes.html"))
    assert isinstance(session.build_form_data(Bot(TOKEN), method), FormData)


def test_a_response_model_is_built_once(session: BotApiSession, monkeypatch: pytest.MonkeyPatch) -> None:
    bot, method = Bot(TOKEN), GetMyShortDescription()
    content = json.dumps({"ok": True, "result": {"short_description": "میدان"}})
    assert session.check_response(bot, method, 200, content).result.short_description == "میدان"
    gc.collect()  # pydantic caches the parametrized Response[...] by weak reference only
    built = []
    create = _generics.create_generic_submodel
    monkeypatch.setattr(_generics, "create_generic_submodel", lambda *a: built.append(a) or create(*a))
    assert session.check_response(bot, method, 200, content).result.short_description == "میدان"
    assert built == []


def test_a_sent_message_comes_back_without_its_keyboard_and_entities(session: BotApiSession) -> None:
    sent = {
        "message_id": 5,
        "date": 1700000000,
        "chat": {"id": 7, "type": "private"},
        "text": "سلام",
        "entities": [{"type": "bold", "offset": 0, "length": 4}],
        "reply_markup": {"inline_keyboard": [[{"text": "۱", "callback_data": "sp:1:0:0:0"}]]},
    }
    method = SendMessage(chat_id=7, text="<b>سلام</b>")
    message = session.check_response(Bot(TOKEN), method, 200, json.dumps({"ok": True, "result": sent})).result
    assert (message.message_id, message.chat.id, message.text) == (5, 7, "سلام")
    assert message.reply_markup is None and message.entities is None


def test_errors_and_other_results_are_read_as_they_are(session: BotApiSession) -> None:
    error = json.dumps({"ok": False, "error_code": 400, "description": "Bad Request: message is too long"})
    with pytest.raises(TelegramBadRequest, match="too long"):
        session.check_response(Bot(TOKEN), SendMessage(chat_id=7, text="x"), 400, error)
    update = {
        "update_id": 1,
        "callback_query": {
            "id": "q",
            "from": {"id": 7, "is_bot": False, "first_name": "x"},
            "chat_instance": "c",
            "data": "d",
            "message": {
                "message_id": 5,
                "date": 1,
                "chat": {"id": 7, "type": "private"},
                "text": "t",
                "reply_markup": {"inline_keyboard": [[{"text": "۱", "callback_data": "d"}]]},
            },
        },
    }
    updates = session.check_response(Bot(TOKEN), GetUpdates(), 200, json.dumps({"ok": True, "result": [update]}))
    assert updates.result[0].callback_query.message.reply_markup is not None  # incoming updates untouched
