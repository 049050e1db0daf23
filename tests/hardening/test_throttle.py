"""Per-user throttling through the emulator: one notice, then silence; nobody else slowed;
counters in Redis when it is configured, in memory otherwise. A facilitator at a meeting has a limit
for the job and is told which messages were not recorded; an album counts once."""

from __future__ import annotations

import asyncio

from aiogram.fsm.storage.memory import MemoryStorage, SimpleEventIsolation
from redis.asyncio import Redis
from sqlalchemy import select

from backend.config import load_settings
from backend.context import AppContext
from backend.models import Note
from bot.app import build_dispatcher
from bot.counters import MemoryCounters
from bot.i18n import t
from bot.runner import running_bot
from bot.throttle import ThrottleMiddleware, install
from tests.e2e.conftest import TOKEN
from tests.e2e.test_meetings import database
from tests.hardening.helpers import at_meeting, document, sent_until, text_of

LIMIT, PAUSE = 3, 2
SLOW_DOWN = t("limits.slow_down", "fa", seconds=PAUSE)


def _is_help(message: dict) -> bool:  # type: ignore[type-arg]
    return text_of(message).startswith(("راهنمای میدان", "Meydan help"))


async def test_a_flooder_gets_one_notice_and_silence_while_others_are_served(settings_for, emulator, stack) -> None:  # type: ignore[no-untyped-def]
    settings = settings_for(throttle_limit=LIMIT, throttle_window=60, throttle_pause=PAUSE)
    async with running_bot(settings):
        flooder = emulator.user(TOKEN, user_id=9601, first_name="سیل")
        polite = emulator.user(TOKEN, user_id=9602, first_name="آرام")
        for _ in range(12):
            await flooder.send("/help")  # as fast as HTTP allows, never waiting for the bot
        await polite.send("/help")
        assert _is_help(await polite.wait_for_message())  # not slowed by the flood
        sent = await sent_until(flooder, lambda got: len(got) >= LIMIT + 1)
        await polite.send("/help")  # by the time this is answered the whole flood has been seen
        assert _is_help(await polite.wait_for_message())
        sent = await flooder.messages()
        assert sorted(text_of(m) == SLOW_DOWN for m in sent) == [False] * LIMIT + [True]
        assert all(_is_help(m) for m in sent if text_of(m) != SLOW_DOWN)

        if stack.redis_url:  # the counter lives in Redis, where every bot process sees it
            async with Redis.from_url(stack.redis_url) as redis:
                assert await redis.exists(f"meydan:{TOKEN.split(':')[0]}:throttle:9601") == 1

        await asyncio.sleep(PAUSE + 0.5)  # the pause is over: served again
        await flooder.send("/help")
        assert _is_help(await flooder.wait_for_message())


async def test_presses_over_the_limit_get_one_alert_then_no_answer(settings_for, emulator, stack) -> None:  # type: ignore[no-untyped-def]
    settings = settings_for(throttle_limit=LIMIT, throttle_window=60, throttle_pause=30)
    async with running_bot(settings):
        user = emulator.user(TOKEN, user_id=9611, first_name="دکمه")
        await user.send("/language")  # counted: 1
        buttons = await user.wait_for_message()
        presses = []
        for _ in range(2):  # 2 and 3: within the limit, each answered (and the language is English)
            presses.append(await user.press("English", message_id=buttons["message_id"]))
            await user.wait_for_answer()
        presses += [await user.press("English", message_id=buttons["message_id"]) for _ in range(3)]  # 4..6
        alert = await user.wait_for_answer(presses[2]["callback_query"]["id"])
        assert alert["text"] == t("limits.slow_down", "en", seconds=30) and alert["show_alert"]
        await user.send("/help")  # ignored too, while the two presses after the alert are seen
        await asyncio.sleep(0.5)
        assert not [m for m in await user.messages() if _is_help(m)]
        answered = {a["callback_query_id"] for a in await user.callback_answers()}
        ids = [p["callback_query"]["id"] for p in presses]
        assert answered == set(ids[:3])  # the two presses within the limit and the one alert


def test_throttling_comes_before_the_conversation_state_and_can_be_switched_off(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from backend.plan import load_plan

    def dispatcher(**overrides: object):  # type: ignore[no-untyped-def]
        settings = load_settings(data_dir=tmp_path, secret_key="throttle-test-secret-key-of-32-characters", **overrides)
        app = AppContext(settings=settings, plan=load_plan(), engine=None, sessions=None)  # type: ignore[arg-type]
        return build_dispatcher(app, MemoryStorage(), SimpleEventIsolation())

    throttled = dispatcher()
    assert [type(m) for m in throttled.update.outer_middleware][-2:] == [ThrottleMiddleware, type(throttled.fsm)]
    assert ThrottleMiddleware not in [type(m) for m in dispatcher(throttle_limit=0).update.outer_middleware]

    plain = dispatcher(throttle_limit=0)
    install(plain, load_settings(data_dir=tmp_path, throttle_limit=5), MemoryCounters())
    assert [type(m) for m in plain.update.outer_middleware][-2:] == [ThrottleMiddleware, type(plain.fsm)]


async def test_a_facilitator_at_a_meeting_has_a_limit_for_the_job_and_is_told_what_was_not_recorded(  # type: ignore[no-untyped-def]
    settings_for, emulator, stack
) -> None:
    """Notes faster than the general limit are logged; past the job's limit each one is answered, as a
    reply to it, that it was not recorded: every note is either stored or named."""
    async with running_bot(settings_for(throttle_limit=0)):  # the set-up, unthrottled
        user = await at_meeting(emulator, settings_for(), 9621)
    work_limit, notes = 8, 12
    async with running_bot(
        settings_for(throttle_limit=LIMIT, throttle_window=60, throttle_pause=PAUSE, throttle_work_limit=work_limit)
    ):
        sent = {(await user.send(f"یادداشت {n}"))["message_id"]: f"یادداشت {n}" for n in range(notes)}
        not_recorded = t("limits.not_recorded", "fa", limit=work_limit, seconds=60)
        await sent_until(
            user,
            lambda got: (
                sum(text_of(m) == not_recorded for m in got) >= notes - work_limit
                and sum("یادداشت ثبت شد" in text_of(m) for m in got) >= work_limit
            ),
        )
        await asyncio.sleep(0.5)  # time for anything more, were there more
        got = await user.messages()
    refused = {m["reply_to_message"]["message_id"] for m in got if text_of(m) == not_recorded}
    assert SLOW_DOWN not in [text_of(m) for m in got]
    async with database(settings_for()) as sessions, sessions() as session:
        stored = set((await session.scalars(select(Note.text).where(Note.text.startswith("یادداشت")))).all())
    assert len(stored) == work_limit and len(refused) == notes - work_limit
    assert stored | {sent[message_id] for message_id in refused} == set(sent.values())  # each recorded or named


async def test_an_album_counts_once(settings_for, emulator, stack) -> None:  # type: ignore[no-untyped-def]
    async with running_bot(settings_for(throttle_limit=LIMIT, throttle_window=60, throttle_pause=PAUSE)):
        user = emulator.user(TOKEN, user_id=9631, first_name="آلبوم")
        for number in range(5):
            await user.send_content(document(f"page{number}.pdf", 1000, media_group_id="album-9631"))
        await user.wait_for_message(contains=t("limits.album", "fa"))
        for _ in range(LIMIT - 1):  # the album was one update of LIMIT
            await user.send("/help")
            assert _is_help(await user.wait_for_message())
