"""``meydan demo``: the process end to end on the embedded default, with simulated people.

The real bot (``meydan run``, in a process of its own) polls the bundled emulator over HTTP, with
SQLite and in-memory state, and its scheduler and outbox sender run as in production. Simulated
citizens answer the bundled survey through the messenger; facilitators log an elite interview, a
council member's interview, a neighbourhood council and an NGO forum; a sample 137 export is
imported; the findings are integrated into problems and ranked; the drafting committee's members
vote on the agenda by pressing buttons, with the clock moved to the deadline, and the approved
items climb to the commission's agenda.
"""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import Awaitable, Callable
from datetime import timedelta
from pathlib import Path
from random import Random
from time import perf_counter
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from sqlalchemy import func, select

from backend.config import Settings, load_settings
from backend.context import AppContext
from backend.db import create_engine, session_factory
from backend.imports.importer import import_file
from backend.integration import problems
from backend.models import Agenda, Answer, Decision, Finding, Meeting, Note, Problem, Response, utcnow
from backend.plan import load_plan
from backend.prioritize.priorities import prioritize
from backend.services import invites
from bot.app import create_bot
from bot.digest.schedule import weekly_digest
from bot.scheduling.registry import JobContext
from bot.voting.agendas import open_next_agenda
from bot.voting.schedule import deadlines
from reports.digest import DigestFiles
from sandbox.bench.imports import write_sample_137
from sandbox.bench.survey.citizen import bundled_survey, follow, write_script
from sandbox.bench.survey.stack import running_stack
from sandbox.demo_meetings import log_meetings
from sandbox.emulator import RunningEmulator
from sandbox.emulator.users import Message, SimulatedUser

DEMO_TOKEN = "700000:meydan-demo"
CITIZENS = 300
DEMO_ADMIN = 700_001  # the admin the console's sign-in link is for (``meydan demo --serve``)
SAMPLE_137_ROWS = 500
AT_ONCE = 50
FIRST_CITIZEN = 910_000
MEMBERS = ((920_001, "دکتر رضایی"), (920_002, "مهندس احمدی"), (920_003, "خانم کاظمی"))


def _progress(console: Console) -> Progress:
    return Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), console=console
    )


async def _citizens(emu: RunningEmulator, count: int, progress: Progress) -> int:
    """Simulated citizens answer the bundled survey in Persian; how many finished."""
    survey, gate = bundled_survey(), asyncio.Semaphore(AT_ONCE)
    task = progress.add_task("citizens answer the survey", total=count)

    async def citizen(number: int) -> bool:
        user_id = FIRST_CITIZEN + number
        async with gate, emu.user(DEMO_TOKEN, user_id, "شهروند", language_code="fa") as user:
            run = await follow(user, write_script(survey, Random(user_id)))
        progress.advance(task)
        return run.error is None

    return sum(await asyncio.gather(*(citizen(n) for n in range(count))))


async def _members(emu: RunningEmulator, app: AppContext, progress: Progress) -> list[SimulatedUser]:
    """Three members of the drafting committee join through one-time invite links."""
    task = progress.add_task("committee members join by invite", total=len(MEMBERS))
    joined = []
    for user_id, name in MEMBERS:
        async with app.sessions() as session, session.begin():
            token = await invites.create(session, app.secret, app.plan, "member", "drafting_committee")
        member = emu.user(DEMO_TOKEN, user_id, name, language_code="fa")
        await member.start(f"i_{token}")
        await member.wait_for_message(contains="کمیته تدوین")
        joined.append(member)
        progress.advance(task)
    return joined


async def _vote(app: AppContext, members: list[SimulatedUser], progress: Progress) -> Agenda:
    """Open the committee's agenda; the members approve the items, two of them rejecting the
    last one with a reason. Returns the agenda."""
    async with app.sessions() as session, session.begin():
        agenda = await open_next_agenda(session, app, "drafting_committee")
        assert agenda is not None, "nothing to put on the committee's agenda"
        await session.refresh(agenda, ["items"])
        items = [item.id for item in agenda.items]
    task = progress.add_task("members vote with inline buttons", total=len(members) * len(items))
    for number, member in enumerate(members):
        await member.wait_for_message(contains="دستور جلسه", timeout=60)
        cards: list[Message] = []
        while len(cards) < len(items):
            cards.append(await member.wait_for_message(contains="امتیاز", timeout=60))
        for card_number, card in enumerate(cards):
            reject = card_number == len(cards) - 1 and number < 2
            await member.press("مخالف ❌" if reject else "موافق ✅", message_id=card["message_id"])
            if reject:
                await member.wait_for_message(contains="دلیل مخالفت")
                await member.send("این مورد با مسائل دیگر همپوشانی دارد و به بازنگری نیاز دارد")
                await member.wait_for_message(contains="ثبت شد")
            else:
                await member.wait_for_answer()
            progress.advance(task)
    return agenda


async def _counts(app: AppContext) -> dict[str, Any]:
    async with app.sessions() as session:

        async def count(model: Any, *where: Any) -> int:
            return await session.scalar(select(func.count()).select_from(model).where(*where)) or 0

        return {
            "completed responses": await count(Response, Response.status == "completed"),
            "answers": await count(Answer),
            "meetings closed": await count(Meeting, Meeting.status == "closed"),
            "meeting notes": await count(Note, Note.deleted_at.is_(None)),
            "findings": await count(Finding),
            "findings from meetings and forums": await count(Finding, Finding.meeting_id.is_not(None)),
            "problems": await count(Problem),
            "decisions": await count(Decision),
            "approved (to the commission)": await count(Decision, Decision.outcome == "approved"),
        }


async def _stage(console: Console, title: str, work: Callable[[], Awaitable[str]]) -> None:
    with console.status(title):
        outcome = await work()
    console.print(f"[green]✓[/] {title}: {outcome}")


async def run_demo(
    data_dir: str | Path, console: Console, *, citizens: int = CITIZENS, serve: tuple[str, int] | None = None
) -> Settings:
    """Run every stage and print a summary; returns the settings of the database it leaves behind.
    With ``serve`` (host, port) the emulator and the console then stay up, with a sign-in link printed,
    until Ctrl-C."""
    started = perf_counter()
    data = Path(data_dir)
    shutil.rmtree(data, ignore_errors=True)
    web = {} if serve is None else {"admin_ids": [DEMO_ADMIN], "web_url": f"http://{serve[0]}:{serve[1]}"}
    base = load_settings(bot_token=DEMO_TOKEN, data_dir=data, database_url=None, redis_url=None, **web)
    bot_settings = _bot_settings(base)
    async with running_stack(
        DEMO_TOKEN, bot_settings["MEYDAN_DATABASE_URL"], None, data / "bot", environment=bot_settings, settle=False
    ) as stack:  # the bot polls in a process of its own, as `meydan run` does in production
        emu = stack.emulator
        settings = base.model_copy(update={"api_base": emu.base_url})
        console.print(f"[bold]Meydan demo[/] — emulator {emu.base_url}, database {settings.db_url.database}")
        engine = create_engine(settings.db_url)
        app = AppContext(
            settings=settings, plan=load_plan(settings.plan_file), engine=engine, sessions=session_factory(engine)
        )
        bot = create_bot(settings)
        try:
            with _progress(console) as progress:
                finished = await _citizens(emu, citizens, progress)
            console.print(f"[green]✓[/] {finished} of {citizens} citizens completed the survey")
            with _progress(console) as progress:
                logged = await log_meetings(emu, DEMO_TOKEN, app, progress)
            console.print(
                f"[green]✓[/] {logged.facilitators} facilitators logged {logged.meetings} meetings "
                f"({logged.notes} notes, {logged.findings} findings, {logged.feedback} NGO feedback); "
                f"minutes in {data / 'minutes'}",
                highlight=False,
            )

            async def import_137() -> str:
                sample = write_sample_137(data / "sample-137.csv", SAMPLE_137_ROWS, app.plan)
                async with app.sessions() as session, session.begin():
                    result = await import_file(session, app.plan, "137", sample, zone=app.zone)
                return f"{result.imported} rows of {sample.name} became citizen_poll findings"

            await _stage(console, "importing a 137 request-line export", import_137)

            async def integrate() -> str:
                async with app.sessions() as session, session.begin():
                    report = await problems.integrate(session)
                return f"{report.findings} findings → {report.problems} problems"

            await _stage(console, "integrating findings into problems", integrate)
            await _ranking(console, app)
            with _progress(console) as progress:
                members = await _members(emu, app, progress)
                agenda = await _vote(app, members, progress)
            deadline = agenda.deadline

            async def close() -> str:
                await deadlines(JobContext(bot, app, fired_at=deadline + timedelta(seconds=1)))
                async with app.sessions() as session, session.begin():
                    commission = await open_next_agenda(session, app, "strategic_commission", now=deadline)
                    if commission is None:
                        return "nothing approved for the commission"
                    await session.refresh(commission, ["items"])
                    return f"{len(commission.items)} approved items are on the commission's agenda"

            await _stage(console, f"the committee's {len(agenda.items)}-item agenda reaches its deadline", close)
            written: list[DigestFiles] = []

            async def digest() -> str:
                sent = await weekly_digest(JobContext(bot, app, fired_at=utcnow()))
                written.append(sent.files["fa"])
                for member in members:  # the leader's outbox sender delivers it
                    await member.wait_for_message(contains="گزارش هفتگی", timeout=60)
                return f"{sent.queued} messages (summary, HTML, XLSX) reached the {len(members)} members"

            await _stage(console, "the weekly digest", digest)
            summary = Table(title="Meydan demo: what the process produced")
            summary.add_column("")
            summary.add_column("count", justify="right")
            for label, value in (await _counts(app)).items():
                summary.add_row(label, str(value))
            console.print(summary)
            for files in written:
                console.print(f"Digest: {files.html}\n        {files.xlsx}", highlight=False, soft_wrap=True)
            console.print(f"[bold]The demo took {perf_counter() - started:.1f} s[/] ({citizens} citizens).")
            console.print(
                f"The demo database is {settings.db_url.database}; try `meydan prioritize --explain` or "
                f"`meydan export responses --survey mashhad_citizen --format xlsx` with "
                f"MEYDAN_DATA_DIR={data}",
                highlight=False,
                soft_wrap=True,
            )
            if serve is not None:
                await _serve_console(console, app, emu, *serve)
        finally:
            await bot.session.close()
            await engine.dispose()
    return settings


def _bot_settings(settings: Settings) -> dict[str, str]:
    """What the bot's process needs besides the stack's settings: the demo's data (its own working
    directory is another), key and console."""
    data = settings.data_dir.resolve()
    return {
        "MEYDAN_DATA_DIR": str(data),
        "MEYDAN_DATABASE_URL": f"sqlite+aiosqlite:///{data / 'meydan.db'}",
        "MEYDAN_SECRET_KEY": settings.secret().decode(),
        "MEYDAN_ADMIN_IDS": ",".join(map(str, settings.admin_ids)),
        "MEYDAN_WEB_URL": settings.web_url,
    }


async def _serve_console(console: Console, app: AppContext, emu: RunningEmulator, host: str, port: int) -> None:
    """Keep the emulator up and serve the console on the demo's database until Ctrl-C; print a sign-in link."""
    import uvicorn

    from backend.console import signin
    from console.app import create_app

    server = uvicorn.Server(uvicorn.Config(create_app(app), host=host, port=port, log_level="warning"))
    serving = asyncio.create_task(server.serve())
    try:
        while not server.started:  # the link is printed only once the console answers
            if serving.done():
                await serving  # it could not start (the port is taken): say why
                return
            await asyncio.sleep(0.05)
        link = signin.link_url(app, await signin.create_link(app, DEMO_ADMIN))
        console.print(
            f"Console: {link}\n  (a one-time sign-in link as the demo's admin, valid 10 minutes; for another: "
            f"MEYDAN_DATA_DIR={app.settings.data_dir} MEYDAN_ADMIN_IDS={DEMO_ADMIN} "
            f"meydan web link --user {DEMO_ADMIN})\n"
            f"Emulator: {emu.base_url}. Ctrl-C stops both.",
            highlight=False,
            soft_wrap=True,
        )
        await serving
    finally:
        serving.cancel()


async def _ranking(console: Console, app: AppContext) -> None:
    async with app.sessions() as session:
        ranked = (await prioritize(session, app.plan)).ranked.head(5)
    table = Table(title="Top problems (multi-criteria score)")
    for column in ("rank", "problem", "score"):
        table.add_column(column)
    for problem_id, row in ranked.iterrows():
        table.add_row(str(int(row["rank"])), f"{row['title']} (#{problem_id})", f"{row['score']:.3f}")
    console.print(table)
