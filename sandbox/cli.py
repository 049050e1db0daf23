"""The sandbox's commands of ``meydan``: ``emulator``, ``demo`` and ``bench``.

Imported by name from ``bot.cli``; what each command runs is imported only when it runs.
"""

from __future__ import annotations

from typing import Annotated

import typer

from bot.commands import console, run, setup_logging
from sandbox.bench import command as bench


def emulator(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8081,
    flood_limits: Annotated[bool, typer.Option(help="Answer 429 like Telegram when sending too fast.")] = False,
) -> None:
    """Run the Telegram-compatible Bot API emulator on its own (point MEYDAN_API_BASE at it)."""
    from sandbox.emulator import serve_forever

    setup_logging(True)
    console.print(f"Bot API emulator on http://{host}:{port} (Ctrl-C stops it)")
    run(serve_forever(host, port, flood_limits=flood_limits))


def demo(
    data_dir: Annotated[str, typer.Option(help="Where the demo keeps its SQLite database and files.")] = "var/demo",
    citizens: Annotated[
        int, typer.Option(min=1, max=5000, help="How many simulated citizens answer the survey.")
    ] = 300,
    serve: Annotated[
        bool, typer.Option("--serve", help="Afterwards keep the emulator and the web console running (Ctrl-C stops).")
    ] = False,
    host: Annotated[str, typer.Option(help="With --serve: the console's address.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="With --serve: the console's port.")] = 8000,
) -> None:
    """Run Meydan end to end on the embedded default: SQLite, in-memory state, the emulator."""
    from sandbox.demo import run_demo

    setup_logging(False)
    run(run_demo(data_dir, console, citizens=citizens, serve=(host, port) if serve else None))


def register(app: typer.Typer) -> None:
    """Add the sandbox's commands to the ``meydan`` application."""
    app.command("bench")(bench.command)
    app.command()(emulator)
    app.command()(demo)
