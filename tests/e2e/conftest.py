"""End-to-end fixtures: the emulator over HTTP and the real bot polling it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest

from backend.config import Settings, load_settings
from sandbox.emulator import running_emulator

TOKEN = "424242:meydan-e2e-token"


@pytest.fixture
async def emulator() -> AsyncIterator:  # type: ignore[type-arg]
    async with running_emulator() as emu:
        yield emu


@pytest.fixture
def settings_for(stack, tmp_path: Path, emulator) -> Callable[..., Settings]:  # type: ignore[no-untyped-def]
    """Settings for the bot under test: the emulator, the stack's database and state store."""

    def make(**overrides: object) -> Settings:
        values: dict[str, object] = dict(
            bot_token=TOKEN,
            api_base=emulator.base_url,
            data_dir=tmp_path / "data",
            database_url=stack.database_url.render_as_string(hide_password=False),
            redis_url=stack.redis_url,
            secret_key="e2e-secret-key-of-32-characters-long",
        )
        values.update(overrides)
        return load_settings(**values)

    return make
