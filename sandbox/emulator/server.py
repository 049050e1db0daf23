"""The emulator's aiohttp application, ``running_emulator`` for tests and ``serve_forever`` for the CLI."""

from __future__ import annotations

import asyncio
import logging
import mimetypes
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from typing import Any

from aiohttp import ClientSession, web

from sandbox.emulator.control import add_control_routes
from sandbox.emulator.errors import ApiError, not_found
from sandbox.emulator.limits import MB, Limits
from sandbox.emulator.local import LocalUser
from sandbox.emulator.methods import execute
from sandbox.emulator.params import read_body
from sandbox.emulator.spec import api_version
from sandbox.emulator.state import BotState, EmulatorState
from sandbox.emulator.users import EmulatorControl, SimulatedUser
from sandbox.emulator.webutil import STATE_KEY, json_error, json_ok

logger = logging.getLogger(__name__)


def create_app(state: EmulatorState) -> web.Application:
    """Routes: ``/bot{token}/{method}``, ``/file/bot{token}/{path}`` and the control API."""
    app = web.Application(client_max_size=state.limits.upload_max_bytes + MB)
    app[STATE_KEY] = state
    app.router.add_route("*", "/bot{token}/{method}", _handle_api)
    app.router.add_get("/file/bot{token}/{path:.+}", _handle_file)
    add_control_routes(app.router)

    async def close_state(_: web.Application) -> None:
        await state.close()

    app.on_shutdown.append(close_state)
    return app


async def _handle_api(request: web.Request) -> web.Response:
    try:
        bot = request.app[STATE_KEY].bot(request.match_info["token"])
        params, uploads = await read_body(request.headers, request.content, max_upload=bot.limits.upload_max_bytes)
        result = await execute(bot, request.match_info["method"], {**request.query, **params}, uploads)
    except ApiError as exc:
        return json_error(exc)
    except Exception:  # a bug or an input nobody foresaw: answer like Telegram's 500, keep serving
        logger.exception("emulator failed on %s", request.path)
        return json_error(ApiError(500, "Internal Server Error"))
    return json_ok(result)


async def _handle_file(request: web.Request) -> web.Response:
    try:
        bot = request.app[STATE_KEY].bot(request.match_info["token"])
        stored = bot.files.at_path(request.match_info["path"])
        if stored is None:
            raise not_found("file not found")
    except ApiError as exc:
        return json_error(exc)
    content_type = stored.mime_type or mimetypes.guess_type(stored.file_path)[0] or "application/octet-stream"
    return web.Response(body=stored.data, content_type=content_type)


class RunningEmulator:
    """A started emulator: its ``base_url``, in-process ``state``, factories of HTTP clients and of in-process users."""

    def __init__(self, base_url: str, state: EmulatorState, session: ClientSession) -> None:
        self.base_url = base_url
        self.state = state
        self._session = session

    def bot(self, token: str) -> BotState:
        """In-process state of one bot (for assertions)."""
        return self.state.bot(token)

    def user(self, token: str, user_id: int, first_name: str | None = None, **profile: Any) -> SimulatedUser:
        """A simulated user of the bot ``token`` (``last_name``, ``username``, ``language_code`` optional)."""
        return SimulatedUser(self.base_url, token, user_id, first_name, session=self._session, **profile)

    def local_user(self, token: str, user_id: int, first_name: str | None = None, **profile: Any) -> LocalUser:
        """Like ``user``, but acting on ``state`` directly: for simulated users in the emulator's process."""
        return LocalUser(self.state, token, user_id, first_name, **profile)

    def control(self, token: str) -> EmulatorControl:
        """Bot-wide controls (reset, flood limits, call log, raw updates) of ``token``."""
        return EmulatorControl(self.base_url, token, session=self._session)


@asynccontextmanager
async def running_emulator(
    host: str = "127.0.0.1",
    port: int = 0,
    flood_limits: bool = False,
    *,
    missing_methods: Iterable[str] = (),
    **limits: Any,
) -> AsyncIterator[RunningEmulator]:
    """Serve the emulator on ``host:port`` (0 picks a free port) until the block exits.

    ``missing_methods`` are answered 404 as if the API lacked them (e.g. ``["setMyCommands"]``, as on Bale);
    ``limits`` override fields of ``Limits`` (e.g. ``chat_rate=2``, ``text_max=100``).
    """
    state = EmulatorState(flood_limits=flood_limits, limits=Limits(**limits), missing_methods=missing_methods)
    runner = web.AppRunner(create_app(state), shutdown_timeout=1.0, access_log=None)
    await runner.setup()
    try:
        site = web.TCPSite(runner, host, port)
        await site.start()
        bound_host, bound_port = runner.addresses[0][:2]
        url_host = f"[{bound_host}]" if ":" in bound_host else bound_host
        async with ClientSession() as session:
            yield RunningEmulator(f"http://{url_host}:{bound_port}", state, session)
    finally:
        await runner.cleanup()


async def serve_forever(host: str = "127.0.0.1", port: int = 8081, flood_limits: bool = False, **limits: Any) -> None:
    """Run the emulator until cancelled (for ``meydan emulator``)."""
    async with running_emulator(host, port, flood_limits, **limits) as emulator:
        flood = "on" if flood_limits else "off"
        logger.info("%s emulator listening on %s (flood limits %s)", api_version(), emulator.base_url, flood)
        await asyncio.Event().wait()
