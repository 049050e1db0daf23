"""Shared pieces of the emulator's aiohttp handlers: the state key and Telegram-style JSON answers."""

from __future__ import annotations

import json
from functools import partial
from typing import Any

from aiohttp import web

from sandbox.emulator.errors import ApiError
from sandbox.emulator.state import EmulatorState

STATE_KEY = web.AppKey("emulator_state", EmulatorState)
_dumps = partial(json.dumps, ensure_ascii=False)


def json_ok(result: Any) -> web.Response:
    """``{"ok": true, "result": ...}``."""
    return web.json_response({"ok": True, "result": result}, dumps=_dumps)


def json_error(error: ApiError) -> web.Response:
    """``{"ok": false, "error_code": ..., "description": ...}`` with the matching HTTP status."""
    return web.json_response(error.payload(), status=error.code, dumps=_dumps)
