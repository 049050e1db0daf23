"""``meydan bench``: run the benchmarks and print their figures as one JSON object on stdout."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from bot.commands import run
from sandbox.bench.registry import BENCHMARKS, BenchOptions

NAMES_HELP = f"Benchmarks to run (default: all): {', '.join(BENCHMARKS)}."


def command(
    names: Annotated[list[str] | None, typer.Argument(help=NAMES_HELP, show_default=False)] = None,
    quick: Annotated[bool, typer.Option("--quick", help="A small, fast run (smoke test).")] = False,
    json_out: Annotated[Path | None, typer.Option(help="Also write the JSON to this file.")] = None,
    size: Annotated[
        int | None,
        typer.Option("--citizens", "--size", min=1, help="Main size: citizens for survey, rows for imports."),
    ] = None,
    concurrency: Annotated[int | None, typer.Option(min=1, help="How many run at once (survey: 50).")] = None,
    workers: Annotated[
        int | None,
        typer.Option(
            min=1,
            max=64,
            help="Survey: the bot as N webhook worker processes (N > 1 needs Redis); default: one polling process.",
        ),
    ] = None,
    rate: Annotated[
        float | None,
        typer.Option(
            min=0.1,
            help="Survey: the answers a second the citizens offer "
            "together, pausing between actions; default: no pauses "
            "(throughput).",
        ),
    ] = None,
    postgres_url: Annotated[
        str | None,
        typer.Option(
            envvar="MEYDAN_BENCH_POSTGRES_URL", help="PostgreSQL server for scratch databases; unset: skipped."
        ),
    ] = None,
    redis_url: Annotated[
        str | None,
        typer.Option(envvar="MEYDAN_BENCH_REDIS_URL", help="Redis for conversation state in PostgreSQL variants."),
    ] = None,
    scratch_dir: Annotated[
        Path | None, typer.Option(help="Keep databases and bot logs here (default: a temporary folder, removed).")
    ] = None,
) -> None:
    """Run benchmarks and print ONE JSON object {machine, benchmarks, started_at}; progress goes to stderr."""
    from sandbox.bench.runner import chosen, run_benchmarks

    selected = chosen(names or [])
    with tempfile.TemporaryDirectory(prefix="meydan-bench-") as temporary:
        scratch = (scratch_dir or Path(temporary)).resolve()
        options = BenchOptions(
            quick=quick,
            scratch=scratch,
            postgres_url=postgres_url or None,
            redis_url=redis_url or None,
            size=size,
            concurrency=concurrency,
            workers=workers,
            rate=rate,
        )
        document = run(run_benchmarks(selected, options, Console(stderr=True)))
    text = json.dumps(document, ensure_ascii=False, indent=2)
    if json_out is not None:
        json_out.write_text(text + "\n", encoding="utf-8")
    typer.echo(text)
    if any("error" in figures for figures in document["benchmarks"].values()):
        raise typer.Exit(1)
