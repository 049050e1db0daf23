"""The bot process imports light: aiogram's models build when first used, and pandas, SciPy,
scikit-learn, matplotlib and pyxform wait until something needs them (``bot/lazy.py``). Each check
runs in a fresh interpreter, since the test process has imported them all long before."""

from __future__ import annotations

import json
import subprocess
import sys

HEAVY = ("pandas", "scipy", "sklearn", "matplotlib", "pyxform")

LOADED = f"""
import json, sys
import bot.app, bot.runner
from pydantic import BaseModel
def subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from subclasses(sub)
types = {{m for m in subclasses(BaseModel) if m.__module__.startswith("aiogram.types.")}}
print(json.dumps({{
    "heavy": sorted({{name.split(".")[0] for name in sys.modules}} & set({HEAVY!r})),
    "types": len(types),
    "built": sum(m.__pydantic_complete__ for m in types),
}}))
"""

# What the bot meets most, parsed and written; run with aiogram imported first (every model built at
# import, as aiogram does it) and with ``bot`` first (built on first use): the same output.
USED = """
import json, sys
if sys.argv[1] == "lazy":
    import bot
from aiogram.methods import AnswerCallbackQuery, EditMessageReplyMarkup, SendMessage
from aiogram.methods.base import Response
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
sender = {"id": 7, "is_bot": False, "first_name": "Zahra", "language_code": "fa"}
chat = {"id": 7, "type": "private", "first_name": "Zahra"}
message = {"message_id": 3, "date": 1700000000, "chat": chat, "from": sender, "text": "سلام",
           "reply_markup": {"inline_keyboard": [[{"text": "بله", "callback_data": "a:1"}]]},
           "entities": [{"type": "bold", "offset": 0, "length": 2}]}
updates = [{"update_id": 1, "message": message},
           {"update_id": 2, "callback_query": {"id": "9", "chat_instance": "c", "from": sender,
                                               "data": "a:1", "message": message}}]
keyboard = InlineKeyboardMarkup(inline_keyboard=[[InlineKeyboardButton(text="بله", callback_data="a:1")]])
sent = Response[Message].model_validate({"ok": True, "result": message})
print(json.dumps([
    [Update.model_validate(u).model_dump(exclude_none=True) for u in updates],
    sent.result.model_dump(exclude_none=True),
    SendMessage(chat_id=7, text="x", reply_markup=keyboard).model_dump(exclude_none=True),
    AnswerCallbackQuery(callback_query_id="9", text="ok").model_dump(exclude_none=True),
    EditMessageReplyMarkup(chat_id=7, message_id=3, reply_markup=keyboard).model_dump(exclude_none=True),
], default=str, sort_keys=True))
"""


def _run(script: str, *args: str) -> str:
    done = subprocess.run([sys.executable, "-c", script, *args], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_the_bot_process_starts_without_the_heavy_libraries_and_builds_no_telegram_type_yet() -> None:
    loaded = json.loads(_run(LOADED))
    assert loaded["heavy"] == []
    assert loaded["types"] > 300  # aiogram's Telegram types are all there
    assert loaded["built"] < 10, loaded


def test_telegram_types_built_on_first_use_parse_and_write_as_when_built_at_import() -> None:
    assert _run(USED, "lazy") == _run(USED, "eager")
