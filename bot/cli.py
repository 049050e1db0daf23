"""The ``meydan`` command line (Typer + rich); topics live in ``bot/commands/``."""

from __future__ import annotations

import importlib
import os
import sys
from typing import Annotated

import typer

from backend.config import load_settings
from backend.errors import MeydanError
from bot.commands import (
    agenda,
    aggregate,
    db,
    digest,
    export,
    imports,
    invite,
    outbox,
    plan,
    prioritize,
    problems,
    run,
    setup_logging,
    survey,
    web,
)

app = typer.Typer(
    help="Meydan: a messenger-based participation collector for a city's mid-term plan.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
app.add_typer(db.app, name="db")
app.add_typer(plan.app, name="plan")
app.add_typer(survey.app, name="survey")
app.add_typer(export.app, name="export")
app.add_typer(invite.app, name="invite")
app.add_typer(imports.app, name="import")
app.add_typer(outbox.app, name="outbox")
app.add_typer(problems.app, name="problems")
app.add_typer(aggregate.app, name="aggregate")
app.add_typer(prioritize.app, name="prioritize")
app.add_typer(agenda.app, name="agenda")
app.add_typer(web.app, name="web")
app.command("digest")(digest.command)
SANDBOX = "sandbox.cli"
"""The tools that run Meydan without real people (emulator, demo, benchmarks): found by name, so the
product never imports them and an image without the ``sandbox`` package simply lacks those commands."""


def _add_sandbox_commands() -> None:
    try:
        sandbox = importlib.import_module(SANDBOX)
    except ModuleNotFoundError as exc:
        if exc.name not in ("sandbox", SANDBOX):
            raise
        return
    sandbox.register(app)


_add_sandbox_commands()


@app.command("run")
def run_bot(
    webhook: Annotated[
        bool, typer.Option("--webhook", help="Serve updates posted to MEYDAN_WEBHOOK_URL instead of long polling.")
    ] = False,
    workers: Annotated[
        int | None,
        typer.Option(
            min=1,
            max=64,
            help="Webhook worker processes sharing the port (needs Redis); default MEYDAN_WEBHOOK_WORKERS, else 1.",
        ),
    ] = None,
    host: Annotated[
        str | None, typer.Option(help="Address the webhook listens on; default MEYDAN_WEBHOOK_HOST, else 127.0.0.1.")
    ] = None,
    port: Annotated[
        int | None,
        typer.Option(min=1, max=65535, help="Port the webhook listens on; default MEYDAN_WEBHOOK_PORT, else 8080."),
    ] = None,
    scheduler: Annotated[
        bool,
        typer.Option(
            "--scheduler/--no-scheduler",
            help="Also campaign to run the scheduler "
            "and the outbox sender; --no-scheduler when `meydan scheduler` runs "
            "them.",
        ),
    ] = True,
    verbose: Annotated[bool, typer.Option("--verbose/--quiet", help="Log each step.")] = True,
) -> None:
    """Run the bot until Ctrl-C or SIGTERM: long polling against MEYDAN_API_BASE, or webhook workers."""
    setup_logging(verbose)
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

    setup_logging(verbose)
    run(run_scheduler(load_settings()))


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
        print(
            f"meydan: unexpected {exc.__class__.__name__}: {exc} (set MEYDAN_DEBUG=1 for the traceback)",
            file=sys.stderr,
        )
        sys.exit(2)
