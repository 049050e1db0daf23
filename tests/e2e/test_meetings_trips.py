"""What facilitators tripped over (issue 15), through the emulator: pre-selected set-up answers look
pre-selected, a future date is called future, the minutes go through the outbox with the close, and
after /close the facilitator is told the meeting is closed and how to open another."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from backend.jalali import format_date, today_local
from backend.models import Meeting, OutboxMessage
from backend.services import outbox
from bot.i18n import t
from bot.runner import running_bot
from tests.e2e.test_meetings import buttons, database, facilitator, png, set_up, start

KEEP, CHANGE = t("meetings.keep_button", "fa"), t("meetings.change_button", "fa")


async def test_pre_selected_answers_are_kept_or_changed_not_unticked(settings_for, emulator, stack) -> None:  # type: ignore[no-untyped-def]
    settings = settings_for()
    async with running_bot(settings):
        user = await facilitator(emulator, settings, 7201)
        axes = await start(user)
        assert "از پیش انتخاب شده: حمل‌ونقل و ترافیک" in axes["text"]
        assert buttons(axes) == [KEEP, CHANGE]  # no ticked option that a press would untick
        await user.press(KEEP)
        await user.wait_for_message(contains="چه روزی")
        await user.press(f"امروز ({format_date(today_local(), 'fa')})")
        await user.wait_for_message(contains="کدام منطقه")
        await user.press("منطقه ۹")
        groups = await user.wait_for_message(contains="گروه‌های ذی‌نفع")
        assert "از پیش انتخاب شده: نخبگان" in groups["text"] and buttons(groups) == [KEEP, CHANGE]
        await user.press(CHANGE)  # pick afresh: every option, none ticked
        listed = await user.wait_for_message(predicate=lambda m: len(buttons(m)) > 2)
        assert "از پیش انتخاب شده" not in listed["text"] and not [b for b in buttons(listed) if "✅" in b]
        await user.press("◻️ شهروندان")
        await user.wait_for_message(predicate=lambda m: "✅ شهروندان" in buttons(m))
        await user.press("تأیید ✓")
        await user.wait_for_message(contains="چند نفر")

    async with database(settings) as sessions, sessions() as session:
        meeting = await session.scalar(select(Meeting))
        assert meeting.axes == ["transport"] and meeting.stakeholder_groups == ["citizens"]


async def test_a_date_in_the_future_is_called_future(settings_for, emulator, stack) -> None:  # type: ignore[no-untyped-def]
    settings = settings_for()
    async with running_bot(settings):
        user = await facilitator(emulator, settings, 7202)
        await start(user)
        await user.press(KEEP)
        await user.wait_for_message(contains="چه روزی")
        today = today_local()
        await user.send(format_date(today + timedelta(days=3), "fa"))
        told = await user.wait_for_message()
        assert told["text"] == t("meetings.future_date", "fa", today=format_date(today, "fa"))
        await user.send("1404/13/40")  # not a date at all: still "could not read"
        assert (await user.wait_for_message())["text"] == t("meetings.bad_date", "fa")
        await user.send(format_date(today - timedelta(days=2), "fa"))
        await user.wait_for_message(contains="کدام منطقه")


async def test_the_minutes_are_queued_with_the_close_and_sent_once(settings_for, emulator, stack) -> None:  # type: ignore[no-untyped-def]
    settings = settings_for()
    async with running_bot(settings):
        user = await facilitator(emulator, settings, 7203)
        await set_up(user)
        await user.send("یادداشت جلسه")
        await user.wait_for_message(contains="یادداشت ثبت شد")
        await user.send("/close")
        await user.wait_for_message(contains="پایان جلسه شماره ۱")
        await user.press("پایان و دریافت صورت‌جلسه ✅")
        told = await user.wait_for_message(contains="بسته شد")
        assert told["text"] == t("meetings.closing", "fa", number=1)
        minutes = await user.wait_for_message(predicate=lambda m: "document" in m, timeout=10)
        assert minutes["caption"] == t("meetings.minutes", "fa", number=1)
        assert minutes["document"]["file_name"] == "minutes-1.html"

        await user.send("یک یادداشت دیگر")  # item 9: not the citizens' "no survey" text
        after = await user.wait_for_message()
        assert after["text"] == t("meetings.after_close", "fa", number=1) and "/meeting" in after["text"]
        await user.upload_photo(png(), caption="عکسی پس از پایان")  # not text: told the same
        assert (await user.wait_for_message())["text"] == after["text"]
        assert sum("document" in m for m in await user.messages()) == 1

    async with database(settings) as sessions, sessions() as session:
        meeting = await session.scalar(select(Meeting))
        assert meeting.status == "closed"
        sent = await session.scalar(select(OutboxMessage).where(OutboxMessage.dedupe_key == "minutes:1"))
        assert (sent.status, sent.method, sent.chat_id) == (outbox.SENT, "sendDocument", 7203)
        assert await session.scalar(select(func.count()).select_from(OutboxMessage)) == 1
