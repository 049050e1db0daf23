"""Votes under abuse, through the emulator: forged presses (another body's item, after the deadline,
twice, unknown or altered data, a revoked membership) change nothing; titles and texts members
see or type stay plain text in the messages and neutralized in the export."""

from __future__ import annotations

import asyncio
import csv
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import timedelta

from openpyxl import load_workbook
from sqlalchemy import delete, select, update

from backend.config import Settings
from backend.context import AppContext
from backend.integration import problems
from backend.models import Agenda, AuditEntry, Participant, Problem, Role, Vote, utcnow
from backend.plan import load_plan
from backend.services.findings import record_finding
from backend.text import normalize_persian
from backend.voting import service as voting
from backend.voting.service import AgendaEntry
from bot.runner import running_bot
from bot.voting.push import push_agenda
from sandbox.emulator.users import Message, SimulatedUser
from tests.e2e.test_meetings import cli, database
from tests.hardening.helpers import FORMULA_ATTACK, HTML_ATTACK, invited, shows_literally, text_of

TITLE = normalize_persian(HTML_ATTACK)  # a problem's title is its canonical statement, normalized
APPROVE, COMMENT = "موافق ✅", "نظر 💬"
REFUSED = {
    "not_member": "شما عضو این مرجع نیستید؛ رأی شما ثبت نشد.",
    "closed": "مهلت رأی‌گیری این دستور جلسه تمام شده است.",
    "unknown_item": "این مورد دیگر در دستور جلسه نیست.",
    "bad_choice": "این گزینه معتبر نیست.",
}


@dataclass
class Voting:
    """An open drafting-committee agenda with one item (a citizen's problem), as its member sees it."""

    member: SimulatedUser
    item_id: int
    item_message: Message


@asynccontextmanager
async def open_agenda(settings: Settings, emulator) -> AsyncIterator[Voting]:  # type: ignore[no-untyped-def]
    """The bot running, a member of the drafting committee, and an agenda pushed to them."""
    async with running_bot(settings):
        member = await invited(emulator, settings, 9501, "member", "drafting_committee", "اکنون عضو")
        async with database(settings) as sessions, sessions() as session, session.begin():
            await record_finding(session, kind="problem", text=HTML_ATTACK, source="citizen_poll", axis="transport")
            await problems.integrate(session)
            problem = await session.scalar(select(Problem))
            app = AppContext(settings=settings, plan=load_plan(), engine=None, sessions=sessions)  # type: ignore[arg-type]
            agenda = await voting.open_agenda(
                session, app.plan, "drafting_committee", [AgendaEntry(problem.id, 0.9, {"title": problem.title})]
            )
            await session.refresh(agenda, ["items"])
            await push_agenda(session, app, agenda)
        shown = await member.wait_for_message(contains="امتیاز", timeout=15)  # sent by the outbox
        yield Voting(member, agenda.items[0].id, shown)


async def _votes(settings: Settings) -> list[tuple[int, str, str | None]]:
    async with database(settings) as sessions, sessions() as session:
        return list(
            (await session.execute(select(Participant.telegram_id, Vote.choice, Vote.comment).join(Participant))).all()
        )


async def _refusal(user: SimulatedUser, data: str, message_id: int) -> str:
    pressed = await user.press(data=data, message_id=message_id, force=True)
    answer = await user.wait_for_answer(pressed["callback_query"]["id"])
    assert answer["show_alert"], answer
    return str(answer["text"])


async def test_forged_presses_change_nothing(settings_for, emulator, stack) -> None:  # type: ignore[no-untyped-def]
    settings = settings_for()
    async with open_agenda(settings, emulator) as agenda:
        member, item, message_id = agenda.member, agenda.item_id, agenda.item_message["message_id"]
        other_body = await invited(emulator, settings, 9502, "member", "strategic_commission", "اکنون عضو")
        welcome = (await other_body.messages())[-1]["message_id"]
        assert await _refusal(other_body, f"v:{item}:approve", welcome) == REFUSED["not_member"]

        assert await _refusal(member, f"v:{item + 1000}:approve", message_id) == REFUSED["unknown_item"]
        assert await _refusal(member, f"v:{item}:veto", message_id) == REFUSED["bad_choice"]
        assert "دکمه" in await _refusal(member, "v:1 OR 1=1:approve", message_id)  # not even parsed: stale

        taps = await asyncio.gather(*(member.press(data=f"v:{item}:approve", message_id=message_id) for _ in "12"))
        for tap in taps:  # a double tap: both answered, still one vote
            assert (await member.wait_for_answer(tap["callback_query"]["id"]))["text"] == "ثبت شد: موافق ✅"
        assert await _votes(settings) == [(9501, "approve", None)]

        async with database(settings) as sessions, sessions() as session, session.begin():
            await session.execute(update(Agenda).values(deadline=utcnow() - timedelta(seconds=1)))
        assert await _refusal(member, f"v:{item}:reject", message_id) == REFUSED["closed"]
        async with database(settings) as sessions, sessions() as session, session.begin():
            await session.execute(update(Agenda).values(deadline=utcnow() + timedelta(hours=1)))
            await session.execute(delete(Role).where(Role.role == "member"))  # membership revoked
        assert await _refusal(member, f"v:{item}:reject", message_id) == REFUSED["not_member"]  # checked on every press

    assert await _votes(settings) == [(9501, "approve", None)]
    async with database(settings) as sessions, sessions() as session:
        actions = (await session.scalars(select(AuditEntry.action).where(AuditEntry.entity == "agenda_item"))).all()
    assert actions.count("vote.cast") == 1


async def test_titles_and_typed_texts_stay_text(settings_for, emulator, stack) -> None:  # type: ignore[no-untyped-def]
    settings = settings_for()
    async with open_agenda(settings, emulator) as agenda:
        member, message_id = agenda.member, agenda.item_message["message_id"]
        assert shows_literally(agenda.item_message, TITLE)
        await member.press("چرا؟ ❓", message_id=message_id)
        assert shows_literally(await member.wait_for_message(contains="چرا"), TITLE)
        await member.press(APPROVE, message_id=message_id)
        await member.wait_for_answer()
        await member.press(COMMENT, message_id=message_id)
        await member.wait_for_message(contains="نظرتان")
        await member.send(FORMULA_ATTACK)
        await member.wait_for_message(contains="نظر شما ثبت شد")

    assert await _votes(settings) == [(9501, "approve", FORMULA_ATTACK)]
    out = settings.data_dir.parent
    await cli(settings, "export", "votes", "--format", "csv", "--out", str(out / "v.csv"))
    await cli(settings, "export", "votes", "--format", "xlsx", "--out", str(out / "v.xlsx"))
    [vote] = list(csv.DictReader((out / "v.csv").read_text(encoding="utf-8-sig").splitlines()))
    assert (vote["title"], vote["comment"]) == (TITLE, "'" + FORMULA_ATTACK)
    audit = list(csv.DictReader((out / "v-audit.csv").read_text(encoding="utf-8-sig").splitlines()))
    assert "'" + FORMULA_ATTACK in [row["reason"] for row in audit]
    sheet = load_workbook(out / "v.xlsx")["votes"]
    column = [cell.value for cell in sheet[1]].index("comment")
    cell = sheet.cell(row=2, column=column + 1)
    assert (cell.value, cell.data_type, cell.quotePrefix) == (FORMULA_ATTACK, "s", True)


async def test_the_comment_prompt_quotes_the_title_as_text(settings_for, emulator, stack) -> None:  # type: ignore[no-untyped-def]
    async with open_agenda(settings_for(), emulator) as agenda:
        await agenda.member.press(COMMENT, message_id=agenda.item_message["message_id"])
        await agenda.member.wait_for_answer()
        prompt = (await agenda.member.messages())[-1]
        assert shows_literally(prompt, TITLE), (text_of(prompt), prompt.get("entities"))


REJECT, WHY = "مخالف ❌", "چرا؟ ❓"
NO_SURVEY = "اکنون در حال پاسخ به پرسشنامه‌ای نیستید"  # what an ordinary message gets from a member


async def _reason_prompt(agenda: Voting) -> None:
    await agenda.member.press(REJECT, message_id=agenda.item_message["message_id"])
    await agenda.member.wait_for_message(contains="دلیل مخالفت")


async def _set_deadline(settings: Settings, delta: timedelta) -> None:
    async with database(settings) as sessions, sessions() as session, session.begin():
        await session.execute(update(Agenda).values(deadline=utcnow() + delta))


async def test_a_reason_prompt_ends_with_any_command_and_with_the_agenda(settings_for, emulator, stack) -> None:  # type: ignore[no-untyped-def]
    """Issue 15.1: after /cancel, another command or the deadline, "thanks for following up" is no reason."""
    settings = settings_for()
    async with open_agenda(settings, emulator) as agenda:
        member = agenda.member
        await _reason_prompt(agenda)
        await member.send("/cancel")
        cancelled = await member.wait_for_message(contains="انصراف داده شد")
        assert shows_literally(cancelled, TITLE)  # which item nothing was recorded for
        await member.send("ممنون از پیگیری")
        await member.wait_for_message(contains=NO_SURVEY)

        await _reason_prompt(agenda)
        await member.send("/help")
        await member.wait_for_message(contains="راهنمای میدان")  # the command itself still works
        await member.send("ممنون از پیگیری")
        await member.wait_for_message(contains=NO_SURVEY)

        await _reason_prompt(agenda)
        await _set_deadline(settings, -timedelta(seconds=1))
        await member.send("ممنون از پیگیری")
        lapsed = await member.wait_for_message(contains="تمام شده است")  # the prompt expired with the agenda
        assert shows_literally(lapsed, TITLE)
        await member.wait_for_message(contains=NO_SURVEY)  # and the message is handled as any other
        comment = await _refusal(member, f"v:{agenda.item_id}:comment", agenda.item_message["message_id"])
        assert comment == REFUSED["closed"]  # no prompt is armed for a closed agenda
        assert await _votes(settings) == []

        await _set_deadline(settings, timedelta(hours=1))
        await _reason_prompt(agenda)
        await member.send("هزینه اجرا بیش از بودجه منطقه است")
        saved = await member.wait_for_message(contains="ثبت شد")
        assert REJECT in text_of(saved) and "هزینه اجرا" in text_of(saved) and shows_literally(saved, TITLE)
    async with database(settings) as sessions, sessions() as session:
        assert (await session.scalars(select(Vote.reason))).all() == ["هزینه اجرا بیش از بودجه منطقه است"]


async def test_non_members_cannot_read_why_or_open_a_comment(settings_for, emulator, stack) -> None:  # type: ignore[no-untyped-def]
    """Issue 15.3: a replayed "Why?" or "Comment" of a member is refused to a non-member, as a vote is."""
    settings = settings_for()
    async with open_agenda(settings, emulator) as agenda:
        other_body = await invited(emulator, settings, 9503, "member", "strategic_commission", "اکنون عضو")
        welcome = (await other_body.messages())[-1]["message_id"]
        for action in ("why", "comment", "more"):
            assert await _refusal(other_body, f"v:{agenda.item_id}:{action}", welcome) == REFUSED["not_member"]
        await other_body.send("این را می‌خواستم بگویم")
        await other_body.wait_for_message(contains=NO_SURVEY)  # no comment prompt was armed
        assert [text_of(m) for m in await other_body.messages() if "چرا" in text_of(m) or "نظرتان" in text_of(m)] == []
        await agenda.member.press(WHY, message_id=agenda.item_message["message_id"])
        assert shows_literally(await agenda.member.wait_for_message(contains="چرا"), TITLE)  # members still can
    async with database(settings) as sessions, sessions() as session:
        assert (await session.scalars(select(AuditEntry.action).where(AuditEntry.action == "vote.comment"))).all() == []


async def test_a_press_that_changes_nothing_writes_nothing(settings_for, emulator, stack) -> None:  # type: ignore[no-untyped-def]
    """Issue 15.4: the choice one already has, pressed again, is answered and leaves no audit entry."""
    settings = settings_for()
    async with open_agenda(settings, emulator) as agenda:
        member, message_id = agenda.member, agenda.item_message["message_id"]
        for _ in range(3):
            pressed = await member.press(data=f"v:{agenda.item_id}:approve", message_id=message_id, force=True)
            assert (await member.wait_for_answer(pressed["callback_query"]["id"]))["text"] == "ثبت شد: موافق ✅"
        await _reason_prompt(agenda)
        await member.send("تکراری است")
        await member.wait_for_message(contains="ثبت شد")
        pressed = await member.press(data=f"v:{agenda.item_id}:reject", message_id=message_id, force=True)
        assert (await member.wait_for_answer(pressed["callback_query"]["id"]))["text"] == f"ثبت شد: {REJECT}"
    async with database(settings) as sessions, sessions() as session:
        entries = (
            await session.execute(
                select(AuditEntry.action, AuditEntry.data)
                .where(AuditEntry.entity == "agenda_item")
                .order_by(AuditEntry.id)
            )
        ).all()
    assert [(action, data["choice"]) for action, data in entries] == [
        ("vote.cast", "approve"),
        ("vote.changed", "reject"),
    ]
