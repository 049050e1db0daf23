"""``LocalUser``: a simulated user acting on the emulator's state in the emulator's own process.

It is ``SimulatedUser``'s conversation (``UserConversation``: writing, editing, pressing buttons,
blocking, waiting for the bot's messages, with the same refusals and timeouts) carried by direct calls
to the functions behind the control API's endpoints. It only skips their HTTP round trips and JSON: in
``meydan bench survey`` that cut the CPU of the process holding the emulator and the citizens from
5.7-7.0 to 3.5-4.7 ms per update.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sandbox.emulator.control import REFUSED, refusal, user_acts, user_messages
from sandbox.emulator.state import BotState, EmulatorState
from sandbox.emulator.users import EmulatorError, UserConversation


class LocalUser(UserConversation):
    """A Telegram user in a private chat with the bot of ``token``, in the emulator's process.

    Profile fields left None keep what the emulator already knows about this user id
    (a user never seen before is called ``User <id>``).
    """

    def __init__(
        self, state: EmulatorState, token: str, user_id: int, first_name: str | None = None, **profile: str | None
    ) -> None:
        super().__init__(user_id, first_name, **profile)
        self.state = state
        self.token = token

    async def _post(self, action: str, fields: dict[str, Any]) -> dict[str, Any]:
        with self._bot() as bot:
            result = user_acts(bot, self.user_id, action, fields)
        return {**result, "update": copy.deepcopy(result["update"])}  # the caller's, as if decoded from JSON

    async def _messages_since(self, since: int, timeout: float) -> dict[str, Any]:
        with self._bot() as bot:
            return await user_messages(bot, self.user_id, since=since, timeout=timeout)

    @contextmanager
    def _bot(self) -> Iterator[BotState]:
        """The bot's state; what the control API would refuse raises ``EmulatorError`` as from ``SimulatedUser``."""
        try:
            yield self.state.bot(self.token)
        except REFUSED as exc:
            error = refusal(exc)
            raise EmulatorError(error.code, error.description) from exc
