"""Two webhook workers (separate processes) on one PostgreSQL and one Redis, behind a round-robin proxy.

The emulator delivers a citizen's updates to the proxy, which hands them to the workers in turn, so
consecutive updates of one conversation are handled by different processes. The conversation still
goes on correctly (the language chosen on one worker is spoken by the other), only one worker sets
the webhook, only one is the leader, and a post without the right secret is refused and not handled.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from redis.asyncio import Redis
from sqlalchemy.engine import URL

from bot.webhook import SECRET_HEADER
from sandbox.emulator import RunningEmulator
from tests.deploy.conftest import TOKEN, Service, Start, free_port, meydan_env, until_healthy, until_logged
from tests.outbox.conftest import eventually

BOT_ID = int(TOKEN.split(":")[0])


@dataclass
class RoundRobin:
    """A load balancer in front of the workers: each POST goes to the next worker in turn."""

    targets: list[int]
    handled: list[tuple[int, int, int]] = field(default_factory=list)  # (worker port, update_id, status)
    url: str = ""

    async def forward(self, request: web.Request) -> web.Response:
        port = self.targets[len(self.handled) % len(self.targets)]
        body = await request.read()
        headers = {k: v for k, v in request.headers.items() if k in (SECRET_HEADER, "Content-Type")}
        async with (
            aiohttp.ClientSession() as session,
            session.post(f"http://127.0.0.1:{port}{request.path}", data=body, headers=headers) as answer,
        ):
            payload = await answer.read()
            self.handled.append((port, (await request.json())["update_id"], answer.status))
            return web.Response(status=answer.status, body=payload, content_type=answer.content_type)


@pytest.fixture
async def proxy() -> AsyncIterator[RoundRobin]:
    """The round-robin proxy on a free port; its ``url`` is the webhook's public URL."""
    balancer = RoundRobin([free_port(), free_port()])
    app = web.Application()
    app.router.add_post("/{tail:.*}", balancer.forward)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    balancer.url = f"http://127.0.0.1:{runner.addresses[0][1]}/meydan/webhook"
    yield balancer
    await runner.cleanup()


def _forged_help(user_id: int, update_id: int) -> dict[str, Any]:
    """A /help message update as the messenger would post it."""
    user = {"id": user_id, "is_bot": False, "first_name": "Sara"}
    message = {
        "message_id": 999_999,
        "date": 1_700_000_000,
        "chat": {"id": user_id, "type": "private", "first_name": "Sara"},
        "from": user,
        "text": "/help",
        "entities": [{"type": "bot_command", "offset": 0, "length": 5}],
    }
    return {"update_id": update_id, "message": message}


async def _post(port: int, update: dict[str, Any], secret: str | None) -> int:
    headers = {SECRET_HEADER: secret} if secret is not None else {}
    async with (
        aiohttp.ClientSession() as session,
        session.post(f"http://127.0.0.1:{port}/meydan/webhook", json=update, headers=headers) as answer,
    ):
        return answer.status


@pytest.mark.postgres
@pytest.mark.redis
async def test_two_workers_share_one_conversation_one_webhook_and_one_leader(
    tmp_path: Path,
    postgres_url: URL,
    redis_url: str,
    emulator: RunningEmulator,
    proxy: RoundRobin,
    start_meydan: Start,
) -> None:
    env = meydan_env(
        tmp_path,
        bot_token=TOKEN,
        api_base=emulator.base_url,
        redis_url=redis_url,
        database_url=postgres_url.render_as_string(hide_password=False),
        webhook_url=proxy.url,
        webhook_secret="right-secret",
    )
    # started together on an empty database: start-up (migrations, bundled survey) must not race
    workers: list[Service] = list(
        await asyncio.gather(
            *(
                start_meydan(env, "run", "--webhook", "--port", str(port), name=f"worker-{port}")
                for port in proxy.targets
            )
        )
    )
    healths = [await until_healthy(port, *workers) for port in proxy.targets]
    assert sorted(h["pid"] for h in healths) == sorted(w.pid for w in workers)

    for worker in workers:  # each worker settled who registers the webhook
        await until_logged(worker, "webhook set to", "by another worker")
    set_by = [w for w in workers if "webhook set to" in w.output()]
    assert len(set_by) == 1, [w.output()[-1500:] for w in workers]
    control = emulator.control(TOKEN)
    [registered] = await control.calls("setWebhook")
    assert registered["params"]["url"] == proxy.url and registered["params"]["secret_token"] == "right-secret"

    leaders = [(await until_healthy(port))["leader"] for port in proxy.targets]
    assert sorted(leaders) == [False, True]
    redis = Redis.from_url(redis_url)
    try:
        owner = (await redis.get(f"meydan:{BOT_ID}:leader") or b"").decode()  # host:pid:tag
    finally:
        await redis.aclose()
    assert owner.split(":")[1] == str(workers[leaders.index(True)].pid)

    user = emulator.user(TOKEN, 8801, "Sara", language_code="fa")
    await user.start()
    await user.wait_for_message(contains="پیش از شروع", timeout=30)
    await user.press("English")
    await user.wait_for_message(contains="now English", timeout=30)
    await user.press("موافقم، ادامه")
    prompt = await user.wait_for_message(contains="Which district", timeout=30)  # English, set on the other worker
    await user.press(prompt["reply_markup"]["inline_keyboard"][0][0]["text"])
    await user.wait_for_message(contains="Open surveys", timeout=30)
    await eventually(lambda: len(proxy.handled) == 4)  # the last answer may still be on its way
    assert [port for port, _, _ in proxy.handled] == proxy.targets * 2  # each update on the other worker
    assert [status for _, _, status in proxy.handled] == [200] * 4

    forged = _forged_help(8801, update_id=10**9)
    assert await _post(proxy.targets[1], forged, "wrong-secret") == 401
    assert await _post(proxy.targets[0], forged, None) == 401
    with pytest.raises(TimeoutError):
        await user.wait_for_message(contains="Meydan help", timeout=2)
    assert await _post(proxy.targets[1], forged, "right-secret") == 200
    await user.wait_for_message(contains="Meydan help", timeout=10)

    assert [(await until_healthy(port))["leader"] for port in proxy.targets] == leaders  # still the same leader
    for worker in workers:
        assert await worker.stop() == 0, worker.output()[-3000:]
        assert "Traceback" not in worker.output()
