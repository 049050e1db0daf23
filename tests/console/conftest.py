"""Console fixtures: the console on a migrated database (SQLite, then PostgreSQL), HTTP clients and
Chromium pages signed in through the real one-time link flow, as any role.

    async def test_x(console, client_as): client = await client_as("admin")            # an httpx client
    async def test_y(console, page_as): page = await page_as(("member", "drafting_committee"))

A role is ``"admin"``, ``("member", BODY)`` or ``("facilitator", WORKING_GROUP)``; each call makes a new
person holding it.
"""

from __future__ import annotations

import asyncio
import itertools
import socket
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
import uvicorn
from fastapi import FastAPI
from sqlalchemy.engine import URL

from backend import migrate
from backend.config import load_settings
from backend.console import signin
from backend.context import AppContext, transaction
from backend.db import create_engine, session_factory
from backend.participants import service as participants
from backend.plan import load_plan
from backend.services import roles
from console.app import create_app

ADMIN_ID = 900_001  # the admin listed in MEYDAN_ADMIN_IDS of every console under test
SECRET = "console-test-secret-key-of-32-characters"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
Role = str | tuple[str, str]
_ids = itertools.count(910_000)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Console:
    """A console under test: its context, its FastAPI app and the address a served copy listens on."""

    context: AppContext
    app: FastAPI
    url: str

    async def person(self, role: Role) -> int:
        """A new messenger account holding ``role`` (and a participant for it); its messenger id."""
        if role == "admin":
            return ADMIN_ID
        kind, scope = role
        messenger_id = next(_ids)
        async with transaction(self.context) as session:
            participant = await participants.join(session, self.context.secret, messenger_id, "fa")
            await roles.grant(session, participant.id, kind, scope)
        return messenger_id

    async def link(self, role: Role) -> str:
        """A one-time sign-in link for a new person holding ``role``."""
        return signin.link_url(self.context, await signin.create_link(self.context, await self.person(role)))

    def client(self) -> httpx.AsyncClient:
        """An HTTP client talking to the app in-process (no session yet)."""
        return httpx.AsyncClient(transport=httpx.ASGITransport(app=self.app), base_url=self.url)


async def make_console(
    database_url: URL, tmp_path: Path, redis: Any = None, **overrides: Any
) -> AsyncIterator[Console]:
    port = free_port()
    settings = load_settings(
        data_dir=tmp_path / "data",
        database_url=database_url.render_as_string(hide_password=False),
        admin_ids=str(ADMIN_ID),
        secret_key=SECRET,
        web_url=f"http://127.0.0.1:{port}",
        **overrides,
    )
    engine = create_engine(settings.db_url)
    await migrate.upgrade(engine)
    context = AppContext(settings=settings, plan=load_plan(), engine=engine, sessions=session_factory(engine))
    try:
        yield Console(context, create_app(context, redis=redis, refresh_seconds=2, figures_ttl=0), settings.web_url)
    finally:
        await engine.dispose()


@pytest.fixture
async def console(database_url: URL, tmp_path: Path) -> AsyncIterator[Console]:
    """The console on a fresh database: SQLite, then PostgreSQL."""
    async for made in make_console(database_url, tmp_path):
        yield made


async def signed_in_client(console: Console, role: Role) -> httpx.AsyncClient:
    """An HTTP client that opened a sign-in link for ``role`` and holds the session cookie."""
    client = console.client()
    link = await console.link(role)
    token = link.split("token=", 1)[1]
    opened = await client.get(urlsplit(link).path + "?" + urlsplit(link).query)
    assert opened.status_code == 200, opened.text
    signed = await client.post("/signin", data={"token": token})
    assert signed.status_code == 303, signed.text
    return client


@pytest.fixture
async def client_as(console: Console) -> AsyncIterator[Callable[[Role], Awaitable[httpx.AsyncClient]]]:
    """Make HTTP clients signed in as a role; closed after the test."""
    made: list[httpx.AsyncClient] = []

    async def make(role: Role) -> httpx.AsyncClient:
        client = await signed_in_client(console, role)
        made.append(client)
        return client

    yield make
    for client in made:
        await client.aclose()


def csrf_of(html: str) -> str:
    """The CSRF token a page carries in its forms."""
    marker = 'name="csrf_token" value="'
    return html.split(marker, 1)[1].split('"', 1)[0]


@asynccontextmanager
async def serving(app: FastAPI, url: str) -> AsyncIterator[None]:
    """Serve ``app`` with uvicorn at ``url``'s port while the block runs."""
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=urlsplit(url).port, log_level="warning"))
    task = asyncio.create_task(server.serve())
    while not server.started:
        if task.done():
            task.result()
        await asyncio.sleep(0.05)
    try:
        yield
    finally:
        server.should_exit = True
        await task


@pytest.fixture
async def served(console: Console) -> AsyncIterator[Console]:
    """The console served by uvicorn at ``console.url`` (for a browser)."""
    async with serving(console.app, console.url):
        yield console


@pytest.fixture
async def page_as(served: Console, browser: Any) -> AsyncIterator[Callable[..., Awaitable[Any]]]:
    """Open Chromium pages signed in as a role through the link flow: ``await page_as(role, size=(1280, 900))``
    returns a ``tests.browser.BrowserPage`` on the dashboard (or wherever signing in led)."""
    from tests.browser import open_page

    opened: list[Any] = []

    async def make(role: Role, size: tuple[int, int] = (1280, 900)) -> Any:
        context = open_page(browser, size, phone=size[0] < 600)
        page = await context.__aenter__()
        opened.append(context)
        await sign_in_page(page.page, await served.link(role))
        return page

    yield make
    for context in opened:
        await context.__aexit__(None, None, None)


async def sign_in_page(page: Any, link: str) -> None:
    """Open a sign-in link in a browser page and press its button."""
    await page.goto(link)
    await page.locator("form[action='/signin'] button").click()
    await page.wait_for_load_state()
