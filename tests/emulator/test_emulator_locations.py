"""Locations: sendLocation, reply keyboards with request_location, users sharing a location or a venue."""

from __future__ import annotations

import pytest
from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import KeyboardButton, ReplyKeyboardMarkup

from sandbox.emulator import RunningEmulator
from sandbox.emulator.users import EmulatorError
from tests.emulator.conftest import TOKEN, USER_ID, RawCall

pytestmark = pytest.mark.asyncio


async def test_send_location_checks_its_fields(bot: Bot, emu: RunningEmulator, api: RawCall) -> None:
    await emu.user(TOKEN, USER_ID).start()
    sent = await bot.send_location(USER_ID, 36.2972, 59.6067, horizontal_accuracy=25)
    assert sent.location is not None and (sent.location.latitude, sent.location.horizontal_accuracy) == (36.2972, 25)
    status, body = await api("sendLocation", json={"chat_id": USER_ID, "latitude": 95, "longitude": 59.6})
    assert status == 400 and "latitude" in body["description"]
    status, body = await api("sendLocation", json={"chat_id": USER_ID, "latitude": 36.3})
    assert status == 400 and "longitude" in body["description"]


async def test_a_request_location_button_shares_the_location(bot: Bot, emu: RunningEmulator) -> None:
    user = emu.user(TOKEN, USER_ID)
    await user.start()
    keyboard = ReplyKeyboardMarkup(
        keyboard=[[KeyboardButton(text="📍 Share", request_location=True)]], one_time_keyboard=True
    )
    await bot.send_message(USER_ID, "Where?", reply_markup=keyboard)
    shared = await user.share_location(36.3, 59.6, accuracy=12.5, button="📍 Share")
    assert shared["location"] == {"latitude": 36.3, "longitude": 59.6, "horizontal_accuracy": 12.5}
    assert await user.reply_keyboard() is None  # one-time: gone after use
    with pytest.raises(EmulatorError, match="requests a location"):
        await user.share_location(36.3, 59.6, button="📍 Share")
    venue = await user.share_venue(36.288, 59.615, "Haram", "Imam Reza shrine, Mashhad")
    assert venue["venue"]["title"] == "Haram" and venue["location"] == {"latitude": 36.288, "longitude": 59.615}
    from_menu = await user.share_location(36.31, 59.58)  # the attachment menu needs no button
    assert from_menu["location"]["latitude"] == 36.31


async def test_a_keyboard_button_takes_only_the_spec_fields(bot: Bot, api: RawCall, emu: RunningEmulator) -> None:
    await emu.user(TOKEN, USER_ID).start()
    for button, problem in (
        ({"text": "x", "request_location": "yes"}, "must be a Boolean"),
        ({"text": "x", "request_gps": True}, "unknown field"),
    ):
        status, body = await api(
            "sendMessage", json={"chat_id": USER_ID, "text": "?", "reply_markup": {"keyboard": [[button]]}}
        )
        assert status == 400 and problem in body["description"]
    with pytest.raises(TelegramBadRequest):
        await bot.send_location(USER_ID, 36.3, 200)
