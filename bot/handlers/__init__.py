"""Routers, one per concern; ``routers()`` lists them in the order they are tried."""

from aiogram import Router

from bot.handlers import (
    common,
    console,
    errors,
    forums,
    invites,
    lifecycle,
    meetings,
    more,
    onboarding,
    pairwise,
    surveys,
    voting,
)


def routers() -> list[Router]:
    """All routers, built fresh for each dispatcher; the fallback (unknown commands) comes last."""
    return [
        errors.router(),
        invites.router(),
        console.router(),
        voting.router(),
        more.router(),
        pairwise.router(),  # before onboarding: it takes /start rank
        meetings.router(),
        forums.router(),
        onboarding.router(),
        lifecycle.router(),
        common.router(),
        surveys.router(),
        common.fallback(),
    ]
