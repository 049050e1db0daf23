"""Routers, one per concern; ``routers()`` lists them in the order they are tried."""

from aiogram import Router

from bot.handlers import common, errors


def routers() -> list[Router]:
    """All routers; the fallback router (unknown commands) comes last."""
    return [errors.router, common.router, common.fallback]
