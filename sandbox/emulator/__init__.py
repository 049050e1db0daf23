"""A Telegram Bot API emulator (aiohttp) and simulated users, for tests, benchmarks and the demo.

Start one with ``running_emulator()`` (tests) or ``serve_forever()`` (the ``meydan emulator`` command);
point aiogram at it with ``TelegramAPIServer.from_base(emulator.base_url)``.
"""

from sandbox.emulator.limits import Limits
from sandbox.emulator.server import RunningEmulator, create_app, running_emulator, serve_forever
from sandbox.emulator.state import EmulatorState
from sandbox.emulator.users import EmulatorControl, EmulatorError, SimulatedUser

__all__ = [
    "EmulatorControl",
    "EmulatorError",
    "EmulatorState",
    "Limits",
    "RunningEmulator",
    "SimulatedUser",
    "create_app",
    "running_emulator",
    "serve_forever",
]
