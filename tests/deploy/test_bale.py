"""On Bale the bot adapts where Bale's Bot API lacks what Meydan uses (see ``bot.messengers``)."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import aiohttp
from aiogram.types import Update

from backend.config import load_settings
from bot.messengers import bale_loads, plain
from bot.runner import connected_bot, serving
from bot.webhook import registration, serving_webhook
from sandbox.emulator import running_emulator
from tests.deploy.conftest import TOKEN, free_port


def test_html_becomes_plain_text() -> None:
    assert plain("<b>پیش از شروع</b>\n<i>۱ از ۵</i> a &lt;b&gt; &amp; c") == "پیش از شروع\n۱ از ۵ a <b> & c"


def test_a_bale_callback_query_without_chat_instance_is_read() -> None:
    """Bale documents a CallbackQuery as id, from, message and data only."""
    query = {
        "id": "77",
        "from": {"id": 5, "is_bot": False, "first_name": "Ali"},
        "data": "consent:1",
        "message": {"message_id": 3, "date": 1_700_000_000, "chat": {"id": 5, "type": "private"}},
    }
    answer = json.dumps({"ok": True, "result": [{"update_id": 9, "callback_query": query}]})
    [raw] = bale_loads(answer)["result"]
    update = Update.model_validate(raw)
    assert update.callback_query is not None and update.callback_query.chat_instance == "5"
    assert bale_loads(json.dumps({"update_id": 10, "callback_query": query}))["callback_query"]["chat_instance"] == "5"


def test_the_webhook_secret_ends_the_url_on_bale(tmp_path: Path) -> None:
    common = dict(webhook_url="https://bot.example.org/hook", webhook_secret="s3cret", data_dir=tmp_path)
    assert registration(load_settings(api_base="https://tapi.bale.ai", **common)) == (
        "https://bot.example.org/hook/s3cret",
        None,
    )
    assert registration(load_settings(**common)) == ("https://bot.example.org/hook", "s3cret")


async def test_a_citizen_is_served_plain_text_through_a_secret_url_without_a_menu(tmp_path: Path) -> None:
    port = free_port()
    async with running_emulator(missing_methods=["setMyCommands"]) as emulator:
        settings = load_settings(
            bot_token=TOKEN,
            api_base=emulator.base_url,
            messenger="bale",
            data_dir=tmp_path,
            secret_key="bale-test-secret-key-of-32-characters",
            webhook_url=f"http://127.0.0.1:{port}/hook",
            webhook_port=port,
        )
        secret = settings.webhook_secret_token()
        async with (
            connected_bot(settings) as bot,
            serving(settings, bot) as (_, dp, election),
            serving_webhook(settings, bot, dp, election),
        ):
            user = emulator.user(TOKEN, 6601, "Ali", language_code="fa")
            await user.start()
            notice = await user.wait_for_message(contains="پیش از شروع", timeout=30)
            control = emulator.control(TOKEN)
            [registered] = await control.calls("setWebhook")
            async with aiohttp.ClientSession() as session:
                wrong = await session.post(f"http://127.0.0.1:{port}/hook/not-the-secret", json={"update_id": 1})
                headerless = await session.post(f"http://127.0.0.1:{port}/hook", json={"update_id": 2})
            sends = await control.calls("sendMessage")
            for _ in range(100):  # the menu is published after the webhook is set
                if menus := await control.calls("setMyCommands"):
                    break
                await asyncio.sleep(0.1)

    assert registered["params"]["url"] == f"http://127.0.0.1:{port}/hook/{secret}"
    assert "secret_token" not in registered["params"]
    assert (wrong.status, headerless.status) == (401, 401)
    assert "<b>" not in notice["text"] and notice["text"].startswith("پیش از شروع")
    assert sends and all("parse_mode" not in call["params"] for call in sends)
    assert menus and {call["status"] for call in menus} == {404}  # refused, and the bot served all the same
