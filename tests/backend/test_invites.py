"""Invites on SQLite and PostgreSQL: hashed tokens, scopes, expiry, and single use even under a race."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from backend.errors import MeydanError
from backend.models import Invite, Meeting, Participant, Role, utcnow
from backend.services import invites
from tests.backend.test_imports import PLAN

SECRET = b"test-secret"


async def _people(sessions, count: int) -> list[int]:  # type: ignore[no-untyped-def]
    async with sessions() as session, session.begin():
        people = [Participant(pseudonym=f"p{i}", telegram_id=9000 + i) for i in range(count)]
        session.add_all(people)
        await session.flush()
        return [p.id for p in people]


async def _create(sessions, role: str = "facilitator", scope: str = "hq.transport", **options) -> str:  # type: ignore[no-untyped-def]
    async with sessions() as session, session.begin():
        return await invites.create(session, SECRET, PLAN, role, scope, **options)


async def _redeem(sessions, token: str, participant_id: int, **options) -> Role:  # type: ignore[no-untyped-def]
    async with sessions() as session, session.begin():
        return await invites.redeem(session, SECRET, token, participant_id, **options)


async def test_only_the_tokens_hash_is_stored_and_it_grants_the_role_once(sessions) -> None:  # type: ignore[no-untyped-def]
    first, second = await _people(sessions, 2)
    token = await _create(sessions)
    async with sessions() as session:
        stored = await session.scalar(select(Invite))
    assert token not in (stored.token_hash, stored.scope) and stored.token_hash == invites.token_hash(SECRET, token)
    assert stored.expires_at - utcnow() > timedelta(days=6, hours=23)
    role = await _redeem(sessions, token, first)
    assert (role.role, role.scope, role.participant_id) == ("facilitator", "hq.transport", first)
    with pytest.raises(invites.InviteRefused) as refused:
        await _redeem(sessions, token, second)
    assert refused.value.reason == "used"
    with pytest.raises(invites.InviteRefused) as refused:
        await _redeem(sessions, token + "x", second)
    assert refused.value.reason == "unknown"


async def test_an_expired_invite_is_refused(sessions) -> None:  # type: ignore[no-untyped-def]
    (person,) = await _people(sessions, 1)
    token = await _create(sessions, ttl=timedelta(days=1))
    with pytest.raises(invites.InviteRefused) as refused:
        await _redeem(sessions, token, person, now=utcnow() + timedelta(days=1, seconds=1))
    assert refused.value.reason == "expired"


async def test_two_people_opening_one_link_at_once_get_one_role(sessions) -> None:  # type: ignore[no-untyped-def]
    people = await _people(sessions, 4)
    token = await _create(sessions)
    outcomes = await asyncio.gather(*(_redeem(sessions, token, p) for p in people), return_exceptions=True)
    assert sum(isinstance(o, Role) for o in outcomes) == 1
    assert all(isinstance(o, Role) or getattr(o, "reason", None) == "used" for o in outcomes)
    async with sessions() as session:
        assert len((await session.scalars(select(Role))).all()) == 1


async def test_scopes_are_checked(sessions) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(MeydanError, match="no working group 'hq.nowhere' in the plan"):
        await _create(sessions, scope="hq.nowhere")
    with pytest.raises(MeydanError, match="no open forum '1'"):
        await _create(sessions, role="ngo", scope="1")
    with pytest.raises(MeydanError, match="cannot invite to role 'admin'"):
        await _create(sessions, role="admin", scope="")
    with pytest.raises(MeydanError, match="valid for 1 to 365 days"):
        await _create(sessions, ttl=timedelta(days=400))
    async with sessions() as session, session.begin():
        session.add(
            Meeting(
                kind="forum",
                source="civil_society_forum",
                working_group="hq.transport",
                held_on=date(2025, 1, 1),
                status="open",
            )
        )
    assert await _create(sessions, role="ngo", scope="1")
    assert await _create(sessions, role="member", scope="drafting_committee")
