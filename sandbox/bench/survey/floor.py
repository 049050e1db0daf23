"""``meydan bench floor``: the survey benchmark's load on a bot that does nothing but reply.

The same stack (the emulator and the in-process citizens here, the bot in a process of its own
polling over HTTP), the same citizens taking the same steps at the same pace, but the bot is
``sandbox.bench.survey.floor_bot``: for each step it makes the Bot API calls Meydan makes (a question
with its buttons, and ``answerCallbackQuery`` for a press) with no database, conversation state
or survey logic. What it reaches is the ceiling this machine, aiogram and the emulator set for any
bot; the gap to ``meydan bench survey`` is Meydan's own cost.

Figures: those of ``meydan bench survey`` without the database's (``answers`` counts the steps
that would be survey answers), ``bot_mode`` being ``floor``.
"""

from __future__ import annotations

import asyncio
import sys
import time

from sandbox.bench.options import BenchOptions, Figures
from sandbox.bench.stats import with_samples
from sandbox.bench.survey.bench import drive, run_figures
from sandbox.bench.survey.citizen import Pause, Run, Script
from sandbox.bench.survey.floor_bot import PRESS
from sandbox.bench.survey.stack import running_stack
from sandbox.emulator.users import UserConversation

FLOOR_COMMAND = (sys.executable, "-m", "sandbox.bench.survey.floor_bot")
REPLY_TIMEOUT = 30.0


async def floor_play(user: UserConversation, script: Script, pause: Pause) -> Run:
    """The script's steps (a text where the citizen types, a press where they press), each waiting for
    the bot's reply; latency as in the survey benchmark."""
    run = Run(user.user_id, script)
    for number, step in enumerate(script.steps, start=1):
        if seconds := pause():
            await asyncio.sleep(seconds)
        try:
            began = time.perf_counter()
            if step.action == "press":
                await user.press(data=PRESS)
            else:
                await user.send(step.text or "/start")
            await user.wait_for_message(timeout=REPLY_TIMEOUT)
        except Exception as exc:  # a citizen's failure is a figure, not the benchmark's end
            run.error = f"step {number} ({step.action}): {exc.__class__.__name__}: {exc}"
            break
        run.latencies.append(time.perf_counter() - began)
        run.passed(step)
    return run


async def run(options: BenchOptions) -> Figures:
    """The floor bot under the survey benchmark's citizens (its database is a file it never opens)."""
    database = (options.scratch / "floor" / "unused.db").resolve()
    async with running_stack(
        "700000001:meydan-floor",
        f"sqlite+aiosqlite:///{database}",
        None,
        options.scratch / "floor",
        command=FLOOR_COMMAND,
    ) as stack:
        driven = await drive(stack, options, "floor", floor_play)
    figures = run_figures(stack, options, driven) | {"bot_mode": "floor"}
    return with_samples(figures, [r.error for r in driven.runs if r.error], stack.bot_errors)
