"""Forged presses and stale roles: callback data naming someone else's response, a facilitator whose
role was revoked mid-meeting-setup, and invite tokens (long, keyed, single-use, compared in
constant time)."""

from __future__ import annotations

import hmac
from datetime import timedelta

import pytest
from sqlalchemy import delete, func, select

from backend.models import Answer, Meeting, Participant, Response, Role
from backend.plan import load_plan
from backend.services import invites
from bot.runner import running_bot
from tests.e2e.citizens import SURVEY, join
from tests.e2e.conftest import TOKEN
from tests.e2e.test_meetings import database
from tests.hardening.helpers import invited, text_of

STALE = "این پرسش گذشته است؛ لطفاً به آخرین پرسش پاسخ دهید."
FACILITATORS_ONLY = "ویژه تسهیل‌گران"


async def test_presses_naming_another_citizens_response_are_stale(settings_for, emulator, stack) -> None:  # type: ignore[no-untyped-def]
    settings = settings_for()
    async with running_bot(settings):
        victim, forger = (
            emulator.user(TOKEN, user_id=uid, first_name=name, language_code="fa")
            for uid, name in ((9201, "قربانی"), (9202, "جاعل"))
        )
        for user in (victim, forger):
            await join(user)
            await user.press(SURVEY)
            await user.wait_for_message(contains="در کدام منطقهٔ شهرداری")
        async with database(settings) as sessions, sessions() as session:
            theirs = await session.scalar(select(Response.id).join(Participant).where(Participant.telegram_id == 9201))
        own = (await forger.messages())[-1]["message_id"]
        for data in (f"sp:{theirs}:1:0:0", f"se:{theirs}:1", f"sf:{theirs}", f"sn:{theirs}:1:skip"):
            pressed = await forger.press(data=data, message_id=own, force=True)
            answer = await forger.wait_for_answer(pressed["callback_query"]["id"])
            assert (answer["text"], answer["show_alert"]) == (STALE, True), data
        await victim.press("منطقه ۳")  # the victim's survey is untouched and goes on
        await victim.wait_for_message(contains="سن شما")
    async with database(settings) as sessions, sessions() as session:
        answers = (
            await session.execute(
                select(Participant.telegram_id, Answer.question, Answer.value)
                .join(Response, Answer.response_id == Response.id)
                .join(Participant)
                .where(Answer.skipped.is_(False))
            )
        ).all()
    assert answers == [(9201, "district", "d03")]  # the intro notes aside, only the victim's own answer


async def test_a_revoked_facilitator_is_refused_at_the_next_press(settings_for, emulator, stack) -> None:  # type: ignore[no-untyped-def]
    settings = settings_for()
    async with running_bot(settings):
        user = await invited(emulator, settings, 9211, "facilitator", "hq.transport", "تسهیل‌گر")
        await user.send("/meeting")
        await user.wait_for_message(contains="منبع اطلاعاتی")
        async with database(settings) as sessions, sessions() as session, session.begin():
            await session.execute(delete(Role))  # the role is taken away while the buttons are on screen
        await user.press("مصاحبه با نخبگان شهری و موضوعی")
        answer = await user.wait_for_answer()
        assert answer["show_alert"] and FACILITATORS_ONLY in answer["text"]
        await user.send("/meeting")
        assert FACILITATORS_ONLY in text_of(await user.wait_for_message())
    async with database(settings) as sessions, sessions() as session:
        assert await session.scalar(select(func.count()).select_from(Meeting)) == 0


async def test_invite_tokens_are_long_keyed_and_compared_in_constant_time(
    sessions, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    plan = load_plan()
    async with sessions() as session, session.begin():
        tokens = [await invites.create(session, b"our key", plan, "member", "drafting_committee") for _ in range(20)]
        person = Participant(pseudonym="p", telegram_id=1)
        session.add(person)
    assert len(set(tokens)) == 20 and min(len(token) for token in tokens) >= 32  # 192 random bits each

    compared: list[tuple[str, str]] = []
    constant_time = hmac.compare_digest

    def compare_digest(a: str, b: str) -> bool:
        compared.append((a, b))
        return constant_time(a, b)

    monkeypatch.setattr(invites.hmac, "compare_digest", compare_digest)
    async with sessions() as session, session.begin():
        with pytest.raises(invites.InviteRefused, match="unknown"):  # minted under another deployment's key
            await invites.redeem(session, b"their key", tokens[0], person.id)
        with pytest.raises(invites.InviteRefused, match="expired"):
            await invites.redeem(session, b"our key", tokens[1], person.id, now=invites.utcnow() + timedelta(days=8))
        role = await invites.redeem(session, b"our key", tokens[2], person.id)
    assert (role.role, role.scope) == ("member", "drafting_committee")
    assert compared and all(
        a == b == invites.token_hash(b"our key", tokens[i]) for (a, b), i in zip(compared, (1, 2), strict=True)
    )
