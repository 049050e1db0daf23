"""``meydan demo``: the process end to end on the embedded default, with simulated users.

The real bot polls the bundled emulator over HTTP, with SQLite and in-memory state. Each
stage drives simulated people through the messenger and prints what they saw.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from rich.console import Console
from rich.table import Table

from backend.config import load_settings
from bot.emulator import running_emulator
from bot.emulator.users import SimulatedUser
from bot.runner import running_bot

DEMO_TOKEN = "700000:meydan-demo"


async def _first_contact(user: SimulatedUser, transcript: Table) -> None:
    await user.start()
    welcome = await user.wait_for_message(contains="میدان")
    transcript.add_row("citizen", "/start", welcome["text"])
    await user.press("English")
    changed = await user.wait_for_message()
    transcript.add_row("citizen", "[English]", changed["text"])
    await user.send("/help")
    help_text = await user.wait_for_message()
    transcript.add_row("citizen", "/help", help_text["text"])


async def run_demo(data_dir: str | Path, console: Console) -> None:
    """Run every stage that exists and print what the simulated users went through."""
    data = Path(data_dir)
    shutil.rmtree(data, ignore_errors=True)
    async with running_emulator() as emu:
        settings = load_settings(
            bot_token=DEMO_TOKEN, api_base=emu.base_url, data_dir=data, database_url=None, redis_url=None
        )
        console.print(f"[bold]Meydan demo[/] — emulator {emu.base_url}, database {settings.db_url}")
        transcript = Table(title="A citizen meets the bot", show_lines=True)
        for column in ("who", "sent", "bot replied"):
            transcript.add_column(column)
        async with running_bot(settings):
            async with emu.user(DEMO_TOKEN, user_id=910001, first_name="مریم", language_code="fa") as user:
                await _first_contact(user, transcript)
        console.print(transcript)
    console.print(f"[green]demo finished[/]; its database is {settings.db_url.database}")
