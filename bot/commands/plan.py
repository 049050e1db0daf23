"""``meydan plan``: the plan file."""

from __future__ import annotations

import typer
from rich.table import Table

from backend.config import load_settings
from backend.plan import load_plan
from bot.commands import console

app = typer.Typer(help="The plan file (axes, working groups, bodies).", no_args_is_help=True)


@app.command("check")
def check() -> None:
    """Validate the plan file (MEYDAN_PLAN_FILE, or the bundled Mashhad plan) and summarize it."""
    plan = load_plan(load_settings().plan_file)
    table = Table(title=f"{plan.name('en')} ({plan.path.name})")
    table.add_column("part")
    table.add_column("count", justify="right")
    for label, items in (
        ("stakeholder groups", plan.stakeholder_groups),
        ("information sources", plan.sources),
        ("axes", plan.axes),
        ("districts", plan.districts),
        ("working groups", plan.working_groups),
        ("approval bodies", plan.bodies),
    ):
        table.add_row(label, str(len(items)))
    console.print(table)
    console.print("approval chain: " + " → ".join(b.en for b in plan.bodies))
