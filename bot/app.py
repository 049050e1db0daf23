"""The composition root: open the database and state, build the bot and its dispatcher."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from aiogram import Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.fsm.storage.base import BaseEventIsolation, BaseStorage
from aiogram.types import BotCommand

from backend import migrate
from backend.config import Settings
from backend.context import AppContext
from backend.db import check_connection, create_engine, session_factory
from backend.plan import load_plan
from backend.services import surveys
from bot import answers, oversize, throttle
from bot.api_session import BotApiSession
from bot.counters import counters_for
from bot.fitting import FitToLimits
from bot.handlers import routers
from bot.i18n import LANGUAGES, t
from bot.middlewares import LanguageMiddleware
from bot.sessions import build_state, connect_redis

COMMANDS = ("start", "surveys", "back", "skip", "cancel", "language", "mine", "mute", "unmute", "forget", "help")


def create_bot(settings: Settings) -> Bot:
    """A Bot talking to MEYDAN_API_BASE (Telegram, Bale or the emulator), HTML parse mode, every text
    fitted to the messenger's limits."""
    session = BotApiSession(api=TelegramAPIServer.from_base(settings.api_base))
    session.middleware(FitToLimits())
    return Bot(settings.require_token(), session=session, default=DefaultBotProperties(parse_mode=ParseMode.HTML))


@asynccontextmanager
async def open_app(settings: Settings) -> AsyncIterator[tuple[AppContext, Dispatcher]]:
    """Check the plan, database and Redis, migrate the schema, and yield a ready dispatcher."""
    plan = load_plan(settings.plan_file)
    engine = create_engine(settings.db_url)
    redis = None
    try:
        await check_connection(engine)
        await migrate.upgrade(engine)
        sessions = session_factory(engine)
        async with sessions() as session, session.begin():
            await surveys.install_bundled(session)
        if settings.redis_url:
            redis = await connect_redis(settings.redis_url)
        app = AppContext(settings=settings, plan=plan, engine=engine, sessions=sessions)
        storage, isolation = build_state(redis)
        yield app, build_dispatcher(app, storage, isolation)
    finally:
        if redis is not None:
            await redis.aclose()
        await engine.dispose()


def build_dispatcher(app: AppContext, storage: BaseStorage, isolation: BaseEventIsolation) -> Dispatcher:
    """The dispatcher with every router and middleware; ``app`` reaches handlers by name."""
    dp = Dispatcher(storage=storage, events_isolation=isolation, app=app)
    language = LanguageMiddleware()
    dp.message.outer_middleware(language)
    dp.callback_query.outer_middleware(language)
    counters = counters_for(storage)
    throttle.install(dp, app.settings, counters)
    oversize.install(dp, app.settings, counters)
    answers.install(dp)
    dp.include_routers(*routers())
    return dp


async def publish_commands(bot: Bot) -> None:
    """The command menu in Persian (default) and English."""
    for lang in LANGUAGES:
        commands = [BotCommand(command=c, description=t(f"commands.{c}", lang)) for c in COMMANDS]
        await bot.set_my_commands(commands, language_code=None if lang == "fa" else lang)
