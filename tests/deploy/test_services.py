"""docker-compose.yml's services started outside Docker with the same commands, on PostgreSQL and Redis."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from pathlib import Path

import pytest
from redis.asyncio import Redis
from sqlalchemy.engine import URL

from sandbox.emulator import RunningEmulator
from tests.deploy.conftest import TOKEN, Start, free_port, health, meydan_env, until_healthy
from tests.deploy.test_compose import SERVICES
from tests.outbox.conftest import eventually

COMPOSE_PORT = "8080"


async def _leader_owner(redis_url: str) -> str:
    redis = Redis.from_url(redis_url)
    try:
        return (await redis.get(f"meydan:{TOKEN.split(':')[0]}:leader") or b"").decode()
    finally:
        await redis.aclose()


@pytest.mark.postgres
@pytest.mark.redis
async def test_migrate_then_webhook_workers_and_the_scheduler(
    tmp_path: Path, postgres_url: URL, redis_url: str, emulator: RunningEmulator, start_meydan: Start
) -> None:
    port = str(free_port())

    def command(service: str) -> list[str]:
        return [port if arg == COMPOSE_PORT else arg for arg in SERVICES[service]["command"]]

    env = meydan_env(
        tmp_path,
        bot_token=TOKEN,
        api_base=emulator.base_url,
        redis_url=redis_url,
        database_url=postgres_url.render_as_string(hide_password=False),
        webhook_url=f"http://127.0.0.1:{port}/webhook",
        webhook_workers=2,
    )
    migrate = await start_meydan(env, *command("migrate"), name="migrate")
    assert await asyncio.wait_for(migrate.process.wait(), 120) == 0, migrate.output()
    bot = await start_meydan(env, *command("bot"), name="bot")
    scheduler = await start_meydan(env, *command("scheduler"), name="scheduler")

    first = await until_healthy(int(port), bot, scheduler)
    pids = {first["pid"]}
    for _ in range(200):  # new connections: the kernel spreads them over both workers
        if len(pids) == 2:
            break
        answer = await health(int(port))
        pids |= {answer["pid"]} if answer else set()
        await asyncio.sleep(0.05)
    assert len(pids) == 2 and bot.pid not in pids, bot.output()[-3000:]
    assert first["leader"] is None  # --no-scheduler: the workers do not campaign

    [_, _, probe] = SERVICES["bot"]["healthcheck"]["test"][1:]  # ["CMD", "python", "-c", code]
    checked = subprocess.run([sys.executable, "-c", probe.replace(COMPOSE_PORT, port)], timeout=30)
    assert checked.returncode == 0

    await eventually(lambda: "elected leader" in scheduler.output(), timeout=120)
    assert (await _leader_owner(redis_url)).split(":")[1] == str(scheduler.pid)

    user = emulator.user(TOKEN, 8811, "Reza", language_code="fa")
    await user.start()
    await user.wait_for_message(contains="خوش آمدید", timeout=30)

    for service in (bot, scheduler):
        assert await service.stop() == 0, service.output()[-3000:]
        assert "Traceback" not in service.output()
    assert await health(int(port)) is None  # the workers are gone with their supervisor
