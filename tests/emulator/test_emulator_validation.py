"""The emulator refuses what Telegram refuses, over raw HTTP and through aiogram."""

from __future__ import annotations

import pytest
import pytest_asyncio
from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest, TelegramNotFound, TelegramUnauthorizedError
from aiogram.methods import TelegramMethod
from aiogram.types import BotCommand, InlineKeyboardButton, InlineKeyboardMarkup, ReplyParameters

from sandbox.emulator import RunningEmulator
from tests.emulator.conftest import TOKEN, USER_ID, RawCall

pytestmark = pytest.mark.asyncio


def keyboard(data: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=[[InlineKeyboardButton(text="دکمه", callback_data=data)]])


@pytest_asyncio.fixture
async def chat(emu: RunningEmulator) -> int:
    """A user who has written to the bot, so the bot may message them."""
    await emu.user(TOKEN, USER_ID, "مریم", language_code="fa").start()
    return USER_ID


async def test_get_me_and_token_check(api: RawCall, bot: Bot) -> None:
    status, body = await api("getMe", http="GET")
    assert status == 200 and body["result"]["id"] == 123456789 and body["result"]["is_bot"] is True
    assert (await bot.get_me()).username == "meydan_test_bot"
    assert await api("getMe", token="not-a-token") == (
        401,
        {"ok": False, "error_code": 401, "description": "Unauthorized"},
    )
    with pytest.raises(TelegramUnauthorizedError):
        await Bot("123:bad!token", session=bot.session).get_me()


async def test_unknown_method_is_404(api: RawCall, bot: Bot) -> None:
    assert await api("sendTelepathy", json={}) == (
        404,
        {"ok": False, "error_code": 404, "description": "Not Found: method not found"},
    )

    class SendTelepathy(TelegramMethod[bool]):
        __returning__ = bool
        __api_method__ = "sendTelepathy"

    with pytest.raises(TelegramNotFound):
        await bot(SendTelepathy())


async def test_method_names_are_case_insensitive_and_all_encodings_parse(api: RawCall, chat: int) -> None:
    assert (await api("SENDMESSAGE", params={"chat_id": chat, "text": "query"}))[0] == 200
    assert (await api("sendmessage", data={"chat_id": str(chat), "text": "form"}))[0] == 200
    assert (await api("sendMessage", json={"chat_id": chat, "text": "json"}))[0] == 200
    status, body = await api("getUpdates", http="GET", params={"offset": "-1"})
    assert status == 200 and body["result"][0]["message"]["text"] == "/start"


async def test_missing_required_field(api: RawCall, bot: Bot, chat: int) -> None:
    status, body = await api("sendMessage", json={"text": "hi"})
    assert (status, body["description"]) == (400, "Bad Request: chat_id is empty")
    status, body = await api("sendMessage", json={"chat_id": chat})
    assert (status, body["description"]) == (400, "Bad Request: message text is empty")
    with pytest.raises(TelegramBadRequest, match="message text is empty"):
        await bot.send_message(chat, "   ")


async def test_text_length_is_counted_after_html_parsing(api: RawCall, bot: Bot, chat: int) -> None:
    status, body = await api("sendMessage", json={"chat_id": chat, "text": "x" * 5000})
    assert (status, body["description"]) == (400, "Bad Request: message is too long")
    with pytest.raises(TelegramBadRequest, match="message is too long"):
        await bot.send_message(chat, "ب" * 4097)
    sent = await bot.send_message(chat, "<b>" + "ب" * 4096 + "</b>", parse_mode="HTML")
    assert len(sent.text) == 4096 and sent.entities[0].type == "bold"


async def test_lengths_are_counted_in_utf16_code_units(api: RawCall, chat: int) -> None:
    """An emoji outside the BMP counts twice, as Telegram counts it (2,049 of them are 4,098 units)."""
    status, body = await api("sendMessage", json={"chat_id": chat, "text": "😀" * 2049})
    assert (status, body["description"]) == (400, "Bad Request: message is too long")
    assert (await api("sendMessage", json={"chat_id": chat, "text": "😀" * 2048}))[0] == 200


async def test_unparseable_html_is_refused(api: RawCall, bot: Bot, chat: int) -> None:
    status, body = await api("sendMessage", json={"chat_id": chat, "text": "1 < 2", "parse_mode": "HTML"})
    assert status == 400 and body["description"].startswith("Bad Request: can't parse entities:")
    with pytest.raises(TelegramBadRequest, match="can't parse entities"):
        await bot.send_message(chat, "<b>unclosed", parse_mode="HTML")
    sent = await bot.send_message(chat, "1 &lt; 2 &amp; <i>ok</i>", parse_mode="HTML")
    assert sent.text == "1 < 2 & ok"


async def test_callback_data_is_limited_to_64_bytes(api: RawCall, bot: Bot, chat: int) -> None:
    markup = {"inline_keyboard": [[{"text": "x", "callback_data": "a" * 65}]]}
    status, body = await api("sendMessage", json={"chat_id": chat, "text": "k", "reply_markup": markup})
    assert (status, body["description"]) == (400, "Bad Request: BUTTON_DATA_INVALID")
    with pytest.raises(TelegramBadRequest, match="BUTTON_DATA_INVALID"):
        await bot.send_message(chat, "k", reply_markup=keyboard("س" * 32 + "a"))  # 65 bytes
    sent = await bot.send_message(chat, "k", reply_markup=keyboard("س" * 32))  # 64 bytes, 32 characters
    assert sent.reply_markup.inline_keyboard[0][0].callback_data == "س" * 32


async def test_inline_buttons_need_an_action(api: RawCall, chat: int) -> None:
    for button, error in (
        ({"text": "plain"}, "Text buttons are unallowed"),
        ({"callback_data": "x"}, '"text"'),
        ({"text": "two", "callback_data": "x", "url": "https://a.b"}, "exactly one of"),
        ({"text": "link", "url": "not a url"}, "Wrong HTTP URL"),
    ):
        markup = {"inline_keyboard": [[button]]}
        status, body = await api("sendMessage", json={"chat_id": chat, "text": "k", "reply_markup": markup})
        assert status == 400 and error in body["description"]


async def test_unknown_chat_and_unimplemented_methods(api: RawCall, chat: int) -> None:
    status, body = await api("sendMessage", json={"chat_id": 999, "text": "hi"})
    assert (status, body["description"]) == (400, "Bad Request: chat not found")
    assert await api("setMyDescription", json={}) == (200, {"ok": True, "result": True})
    status, body = await api("getStarTransactions", json={})
    assert (status, body["description"]) == (400, "Bad Request: method not supported by the emulator")


async def test_edit_not_modified_and_current_state(bot: Bot, emu: RunningEmulator, chat: int) -> None:
    sent = await bot.send_message(chat, "v1", reply_markup=keyboard("a"))
    with pytest.raises(TelegramBadRequest, match="message is not modified"):
        await bot.edit_message_reply_markup(chat_id=chat, message_id=sent.message_id, reply_markup=keyboard("a"))
    await bot.edit_message_reply_markup(chat_id=chat, message_id=sent.message_id, reply_markup=keyboard("b"))
    await bot.edit_message_text("v2", chat_id=chat, message_id=sent.message_id, reply_markup=keyboard("b"))
    [current] = await emu.user(TOKEN, chat).messages()
    assert current["text"] == "v2" and current["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "b"
    assert "edit_date" in current
    await bot.delete_message(chat, sent.message_id)
    user = emu.user(TOKEN, chat)
    assert await user.messages() == []
    assert (await user.messages(include_deleted=True))[0]["deleted"] is True
    with pytest.raises(TelegramBadRequest, match="message to delete not found"):
        await bot.delete_message(chat, sent.message_id)


async def test_call_log_records_every_request(api: RawCall, emu: RunningEmulator, chat: int) -> None:
    await api("sendMessage", json={"text": "no chat"})
    await api("sendMessage", json={"chat_id": chat, "text": "ok"})
    calls = await emu.control(TOKEN).calls("sendMessage")
    assert [(c["status"], c["params"]["text"]) for c in calls] == [(400, "no chat"), (200, "ok")]
    assert emu.bot(TOKEN).calls[-1].method == "sendMessage"


async def test_replies_commands_chat_actions(bot: Bot, emu: RunningEmulator, chat: int) -> None:
    start = await emu.user(TOKEN, chat).send("question")
    reply = await bot.send_message(chat, "answer", reply_parameters=ReplyParameters(message_id=start["message_id"]))
    assert reply.reply_to_message is not None and reply.reply_to_message.text == "question"
    with pytest.raises(TelegramBadRequest, match="message to be replied not found"):
        await bot.send_message(chat, "x", reply_parameters=ReplyParameters(message_id=999))
    lenient = ReplyParameters(message_id=999, allow_sending_without_reply=True)
    assert (await bot.send_message(chat, "x", reply_parameters=lenient)).reply_to_message is None

    commands = [BotCommand(command="start", description="شروع"), BotCommand(command="help", description="راهنما")]
    assert await bot.set_my_commands(commands, language_code="fa")
    listed = await bot.get_my_commands(language_code="fa")
    assert [(c.command, c.description) for c in listed] == [("start", "شروع"), ("help", "راهنما")]
    assert await bot.get_my_commands() == []
    with pytest.raises(TelegramBadRequest, match="BOT_COMMAND_INVALID"):
        await bot.set_my_commands([BotCommand(command="Start", description="x")])
    assert await bot.delete_my_commands(language_code="fa")
    assert await bot.get_my_commands(language_code="fa") == []

    assert await bot.send_chat_action(chat, "typing")
    with pytest.raises(TelegramBadRequest, match="wrong parameter action"):
        await bot.send_chat_action(chat, "dancing")
    assert (await bot.get_chat(chat)).first_name == "مریم"
