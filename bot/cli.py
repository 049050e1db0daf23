"""The ``meydan`` command line (Typer + rich); topics live in ``bot/commands/``."""

from __future__ import annotations

import logging
import os
import sys
from typing import Annotated

import typer

from backend.config import load_settings
from backend.errors import MeydanError
from bot.commands import (agenda, aggregate, bench, console, db, digest, export, imports, invite, outbox, plan,
                          prioritize, problems, run, survey)

app = typer.Typer(help="Meydan: a messenger-based participation collector for a city's mid-term plan.",
                  no_args_is_help=True, pretty_exceptions_enable=False, add_completion=False)
app.add_typer(db.app, name="db")
app.add_typer(plan.app, name="plan")
app.add_typer(survey.app, name="survey")
app.add_typer(export.app, name="export")
app.add_typer(invite.app, name="invite")
app.add_typer(imports.app, name="import")
app.add_typer(outbox.app, name="outbox")
app.command("bench")(bench.command)
app.add_typer(problems.app, name="problems")
app.add_typer(aggregate.app, name="aggregate")
app.add_typer(prioritize.app, name="prioritize")
app.add_typer(agenda.app, name="agenda")
app.command("digest")(digest.command)


def _logging(verbose: bool) -> None:
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")


@app.command("run")
def run_bot(
    webhook: Annotated[bool, typer.Option("--webhook", help="Serve updates posted to MEYDAN_WEBHOOK_URL instead of "
                                          "long polling.")] = False,
    workers: Annotated[int | None, typer.Option(min=1, max=64, help="Webhook worker processes sharing the port "
                                                "(needs Redis); default MEYDAN_WEBHOOK_WORKERS, else 1.")] = None,
    host: Annotated[str | None, typer.Option(help="Address the webhook listens on; default "
                                             "MEYDAN_WEBHOOK_HOST, else 127.0.0.1.")] = None,
    port: Annotated[int | None, typer.Option(min=1, max=65535, help="Port the webhook listens on; default "
                                             "MEYDAN_WEBHOOK_PORT, else 8080.")] = None,
    scheduler: Annotated[bool, typer.Option("--scheduler/--no-scheduler", help="Also campaign to run the scheduler "
                                            "and the outbox sender; --no-scheduler when `meydan scheduler` runs "
                                            "them.")] = True,
    verbose: Annotated[bool, typer.Option("--verbose/--quiet", help="Log each step.")] = True,
) -> None:
    """Run the bot until Ctrl-C or SIGTERM: long polling against MEYDAN_API_BASE, or webhook workers."""
    _logging(verbose)
    chosen = {"webhook_workers": workers, "webhook_host": host, "webhook_port": port}
    if not webhook and any(value is not None for value in chosen.values()):
        raise typer.BadParameter("--workers, --host and --port go with --webhook")
    settings = load_settings(**{name: value for name, value in chosen.items() if value is not None})
    if webhook and settings.webhook_workers > 1:  # the supervisor imports no more than it needs
        from bot.workers import run_workers

        raise typer.Exit(run(run_workers(settings, duties=scheduler, verbose=verbose)))
    from bot.runner import run_polling, run_webhook

    run(run_webhook(settings, duties=scheduler) if webhook else run_polling(settings, duties=scheduler))


@app.command("scheduler")
def scheduler_only(verbose: Annotated[bool, typer.Option("--verbose/--quiet", help="Log each step.")] = True) -> None:
    """Run only the scheduler and the outbox sender (when elected leader), serving no updates."""
    from bot.runner import run_scheduler

    _logging(verbose)
    run(run_scheduler(load_settings()))


@app.command()
def emulator(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8081,
    flood_limits: Annotated[bool, typer.Option(help="Answer 429 like Telegram when sending too fast.")] = False,
) -> None:
    """Run the Telegram-compatible Bot API emulator on its own (point MEYDAN_API_BASE at it)."""
    from bot.emulator import serve_forever

    _logging(True)
    console.print(f"Bot API emulator on http://{host}:{port} (Ctrl-C stops it)")
    run(serve_forever(host, port, flood_limits=flood_limits))


@app.command()
def demo(
    data_dir: Annotated[str, typer.Option(help="Where the demo keeps its SQLite database and files.")] = "var/demo",
    citizens: Annotated[int, typer.Option(min=1, max=5000, help="How many simulated citizens answer the survey.")] = 300,
) -> None:
    """Run Meydan end to end on the embedded default: SQLite, in-memory state, the emulator."""
    from bot.demo import run_demo

    _logging(False)
    run(run_demo(data_dir, console, citizens=citizens))


def main() -> None:
    """Entry point: user errors become one line on stderr and a non-zero exit."""
    try:
        app()
    except MeydanError as exc:
        print(f"meydan: {exc}", file=sys.stderr)
        sys.exit(1)
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as exc:
        if os.environ.get("MEYDAN_DEBUG"):
            raise
        print(f"meydan: unexpected {exc.__class__.__name__}: {exc} (set MEYDAN_DEBUG=1 for the traceback)",
              file=sys.stderr)
        sys.exit(2)
