"""The leader's job deletes the files of pushes delivered more than MEYDAN_OUTBOX_RETENTION_DAYS ago,
and keeps every file a message may still send or never delivered."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from aiogram import Bot
from sqlalchemy.engine import URL

from backend import migrate
from backend.context import AppContext
from backend.models import utcnow
from backend.services import outbox
from bot.outbox import OutboxSender
from bot.scheduling.registry import collect_jobs
from bot.scheduling.scheduler import JobScheduler
from sandbox.bench.broadcast import emulator_bot, open_chats
from sandbox.emulator import running_emulator
from tests.outbox.conftest import TOKEN, AppFactory

CHAT, BLOCKED, STRANGER = 35_001, 35_002, 35_999  # STRANGER never wrote to the bot: "chat not found"


async def _deliver(app: AppContext, bot: Bot, at: datetime, *messages: outbox.Outgoing) -> None:
    """Queue ``messages`` and let a sender whose clock reads ``at`` send them."""
    async with app.sessions() as session, session.begin():
        await outbox.enqueue_many(session, messages)
    await OutboxSender(bot, app.sessions, clock=lambda: at).drain(timeout=30)


async def test_files_of_pushes_delivered_before_the_retention_are_deleted(
    make_app: AppFactory, database_url: URL
) -> None:
    app = make_app(database_url, outbox_retention_days=30)
    await migrate.upgrade(app.engine)
    [job] = [job for job in collect_jobs(app) if job.id == "outbox.prune_files"]
    names = ("old", "recent", "shared", "failed", "unreachable", "waiting")
    files = {name: outbox.store_file(app.settings.data_dir, name.encode(), f"{name}.pdf") for name in names}

    def document(key: str, chat: int, name: str) -> outbox.Outgoing:
        return outbox.Outgoing(key, chat, "sendDocument", {"document": files[name]})

    def kept() -> set[str]:
        return {name for name, file in files.items() if Path(file["path"]).exists()}

    now = utcnow()
    async with running_emulator() as emulator:
        open_chats(emulator, TOKEN, [CHAT])
        await emulator.user(TOKEN, BLOCKED).block()
        bot = emulator_bot(emulator, TOKEN)
        try:
            await _deliver(
                app,
                bot,
                now,
                document("old", CHAT, "old"),
                document("shared:1", CHAT, "shared"),
                document("failed", STRANGER, "failed"),
                document("unreachable", BLOCKED, "unreachable"),
            )
            await _deliver(app, bot, now + timedelta(days=35), document("recent", CHAT, "recent"))
            async with app.sessions() as session, session.begin():  # queued, not sent yet
                await outbox.enqueue_many(
                    session, [document("shared:2", CHAT, "shared"), document("waiting", CHAT, "waiting")]
                )
            async with app.sessions() as session:
                statuses = (await outbox.summary(session)).counts
            assert (statuses["sent"], statuses["failed"], statuses["unreachable"], statuses["pending"]) == (3, 1, 1, 2)

            scheduler = JobScheduler(bot, app, [job], owner="leader")
            fired = now + timedelta(days=40)  # 40 days after the first deliveries, 5 after "recent"
            assert await scheduler.fire(job, fired)
            assert kept() == {"recent", "shared", "failed", "unreachable", "waiting"}
            assert not Path(files["old"]["path"]).parent.exists()  # its folder went with it

            await _deliver(app, bot, now)  # the queued two are sent (at ``now``, long before the next firing)
            assert await scheduler.fire(job, fired + timedelta(hours=1))
            assert kept() == {"recent", "failed", "unreachable"}
        finally:
            await bot.session.close()
