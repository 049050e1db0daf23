"""The Bot API session: JSON bodies (multipart only for uploads), parsed-response models kept cached."""

from __future__ import annotations

import gc
import json

import pytest
from aiogram import Bot
from aiogram.methods import GetMyShortDescription, SendDocument, SendMessage
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
    assert sent == {"chat_id": 7, "text": "<b>سلام</b>", "disable_notification": False,
                    "reply_markup": {"inline_keyboard": [[{"text": "منطقه ۵", "callback_data": "sp:1:0:4"}]]}}


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
