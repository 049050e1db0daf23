"""``meydan web``: the console (uvicorn), and ``meydan web link`` for a one-time sign-in link."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, TypeVar

import typer

from backend import migrate
from backend.config import Settings, load_settings
from backend.context import AppContext
from backend.db import check_connection, create_engine, session_factory
from backend.plan import load_plan
from bot.commands import console, run

T = TypeVar("T")
app = typer.Typer(help="The web console: serve it, or print a sign-in link.", invoke_without_command=True)


async def with_app(settings: Settings, work: Callable[[AppContext], Awaitable[T]]) -> T:
    """Run ``work`` with the application context on an up-to-date database."""
    engine = create_engine(settings.db_url)
    try:
        await check_connection(engine)
        await migrate.upgrade(engine)
        context = AppContext(
            settings=settings, plan=load_plan(settings.plan_file), engine=engine, sessions=session_factory(engine)
        )
        return await work(context)
    finally:
        await engine.dispose()


async def serve(context: AppContext, host: str, port: int) -> None:
    """Serve the console until Ctrl-C or SIGTERM (Redis, when configured, keeps the sign-in limits)."""
    import uvicorn

    from console.app import create_app

    redis = None
    if context.settings.redis_url:
        from redis.asyncio import Redis

        redis = Redis.from_url(context.settings.redis_url)
    try:
        config = uvicorn.Config(
            create_app(context, redis=redis), host=host, port=port, log_level="info", proxy_headers=True
        )
        await uvicorn.Server(config).serve()
    finally:
        if redis is not None:
            await redis.aclose()


@app.callback()
def web(
    ctx: typer.Context,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")] = 8000,
) -> None:
    """Serve the console at MEYDAN_WEB_URL (behind your https reverse proxy) until Ctrl-C."""
    if ctx.invoked_subcommand is not None:
        return
    settings = load_settings()
    console.print(f"Meydan console on http://{host}:{port} (public address {settings.web_url}; Ctrl-C stops it)")
    run(with_app(settings, lambda context: serve(context, host, port)))


@app.command("link")
def link(
    user: Annotated[int, typer.Option("--user", help="The messenger user id of an admin, member or facilitator.")],
) -> None:
    """Print a one-time sign-in link (valid 10 minutes), e.g. for the first admin."""
    from backend.console import signin
    from backend.errors import Refused

    settings = load_settings()

    async def work(context: AppContext) -> str:
        return signin.link_url(context, await signin.create_link(context, user))

    try:
        url = run(with_app(settings, work))
    except Refused:
        console.print(
            f"user {user} is not an admin (MEYDAN_ADMIN_IDS), a member of a body or a facilitator", style="red"
        )
        raise typer.Exit(1) from None
    console.print(url, soft_wrap=True, highlight=False)
    console.print("one-time sign-in link, valid for 10 minutes", style="dim")
