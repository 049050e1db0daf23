"""A facilitator logs a meeting through the emulator: invite, setup, notes, findings, undo, close, minutes."""

from __future__ import annotations

import asyncio
import csv
import io
import os
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from aiohttp import ClientSession
from PIL import Image
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from backend import migrate
from backend.config import Settings
from backend.db import create_engine, session_factory
from backend.jalali import format_date, today_local
from backend.models import Finding, Invite, Meeting, Note, Role
from bot.runner import running_bot
from sandbox.emulator.users import SimulatedUser
from tests.e2e.conftest import TOKEN

ROOT = Path(__file__).resolve().parents[2]


async def cli(settings: Settings, *args: str) -> str:
    """Run ``meydan ARGS`` in a subprocess on the test's database and emulator; its stdout."""
    env = {
        **os.environ,
        "MEYDAN_DATABASE_URL": settings.db_url.render_as_string(hide_password=False),
        "MEYDAN_DATA_DIR": str(settings.data_dir),
        "MEYDAN_SECRET_KEY": "e2e-secret-key-of-32-characters-long",
        "MEYDAN_BOT_TOKEN": TOKEN,
        "MEYDAN_API_BASE": settings.api_base,
        "COLUMNS": "200",
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        "from bot.cli import main; main()",
        *args,
        cwd=ROOT,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await process.communicate()
    assert process.returncode == 0, err.decode()
    return out.decode()


@asynccontextmanager
async def database(settings: Settings) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """Sessions on the test's database, migrated."""
    engine = create_engine(settings.db_url)
    try:
        await migrate.upgrade(engine)
        yield session_factory(engine)
    finally:
        await engine.dispose()


async def invite_link(settings: Settings, *args: str, get_me: bool = False) -> str:
    """``meydan invite ARGS``: the start payload of the printed link; the bot's username is given,
    or asked with getMe (which loads aiogram in the subprocess: seconds)."""
    named = () if get_me else ("--bot-username", "meydan_test_bot")
    link = (await cli(settings, "invite", *args, *named)).split()[0]
    assert link.startswith("https://t.me/meydan_test_bot?start=i_"), link
    return link.split("start=", 1)[1]


async def facilitator(emulator, settings: Settings, user_id: int, *, get_me: bool = False) -> SimulatedUser:  # type: ignore[no-untyped-def]
    """A user who opened a facilitator invite of hq.transport."""
    user = emulator.user(TOKEN, user_id=user_id, first_name="مهدی", language_code="fa")
    await user.start(await invite_link(settings, "facilitator", "--working-group", "hq.transport", get_me=get_me))
    await user.wait_for_message(contains="تسهیل‌گر")
    return user


def buttons(message: dict) -> list[str]:  # type: ignore[type-arg]
    """The labels of a message's inline buttons."""
    return [b["text"] for row in (message.get("reply_markup") or {}).get("inline_keyboard", []) for b in row]


async def start(user: SimulatedUser, *, forum: bool = False) -> dict:  # type: ignore[type-arg]
    """/meeting (an elite interview) or /forum, and the working group; the axes question."""
    if forum:
        await user.send("/forum")
    else:
        await user.send("/meeting")
        await user.wait_for_message(contains="منبع اطلاعاتی")
        await user.press("مصاحبه با نخبگان شهری و موضوعی")
    await user.wait_for_message(contains="کدام کارگروه")
    await user.press("✓ کارگروه ستادی حمل‌ونقل و ترافیک")
    return await user.wait_for_message(contains="کدام محورها")


async def set_up(user: SimulatedUser, *, forum: bool = False) -> dict:  # type: ignore[type-arg]
    """Answer the setup questions of /meeting (elite interview) or /forum; the "open" message."""
    await start(user, forum=forum)
    await user.press("تغییر ✏️")  # the working group's axis is pre-selected; add another
    for axis in ("حمل‌ونقل و ترافیک", "اقتصاد و مالیه شهری"):
        await user.wait_for_message(predicate=lambda m, axis=axis: f"◻️ {axis}" in buttons(m))
        await user.press(f"◻️ {axis}")
    await user.wait_for_message(predicate=lambda m: "✅ اقتصاد و مالیه شهری" in buttons(m))
    await user.press("تأیید ✓")
    await user.wait_for_message(contains="چه روزی")
    await user.send(format_date(today_local(), "fa"))  # typed, in Persian digits
    await user.wait_for_message(contains="کدام منطقه")
    await user.press("منطقه ۹")
    await user.wait_for_message(contains="گروه‌های ذی‌نفع")
    await user.press("همین بماند ✓")  # the group an elite interview brings
    await user.wait_for_message(contains="چند نفر")
    await user.send("۷")
    await user.wait_for_message(contains="کدام سازمان‌ها")
    await user.send("دانشگاه فردوسی؛ اتاق بازرگانی")
    return await user.wait_for_message(contains="باز شد")


def png() -> bytes:
    """A small real image (the emulator checks photos)."""
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "teal").save(buffer, format="PNG")
    return buffer.getvalue()


async def record_problem(user: SimulatedUser, text: str, axis: str, severity: str) -> None:
    """/problem TEXT, then its axis and severity by buttons."""
    await user.send(f"/problem {text}")
    await user.wait_for_message(contains="به کدام محور")
    await user.press(axis)
    await user.wait_for_message(contains="شدت این مسئله")
    await user.press(severity)
    await user.wait_for_message(contains="مسئله ثبت شد")


async def download(base_url: str, file_id: str) -> str:
    """A file the bot sent, fetched through getFile like any Bot API client."""
    async with ClientSession() as http:
        async with http.get(f"{base_url}/bot{TOKEN}/getFile", params={"file_id": file_id}) as resp:
            path = (await resp.json())["result"]["file_path"]
        async with http.get(f"{base_url}/file/bot{TOKEN}/{path}") as resp:
            return (await resp.read()).decode("utf-8")


async def test_facilitator_logs_an_elite_interview_and_gets_the_minutes(settings_for, emulator, stack) -> None:  # type: ignore[no-untyped-def]
    settings = settings_for()
    async with running_bot(settings):
        user = await facilitator(emulator, settings, 7001, get_me=True)
        opened = await set_up(user)
        assert "جلسه شماره ۱ باز شد" in opened["text"] and "منطقه ۹" in opened["text"]

        await user.send("قیمت زمین در مرکز شهر <بسیار> بالاست")
        await user.wait_for_message(contains="یادداشت ثبت شد")
        await user.upload_voice(b"OggS-voice-bytes", duration=3)
        await user.wait_for_message(contains="پیام صوتی ثبت شد")
        await user.upload_photo(png(), caption="نقشه محدوده")
        await user.wait_for_message(contains="عکس ثبت شد")
        await record_problem(user, "کمبود پارکینگ در محدوده بازار رضا", "حمل‌ونقل و ترافیک", "۴")
        await record_problem(user, "ناهماهنگی دستگاه‌ها در طرح‌های ترافیکی", "حکمرانی و مدیریت شهری", "۳")
        await user.send("/strategy ساخت پارکینگ‌های طبقاتی در حاشیه بازار")
        linked = await user.wait_for_message(contains="راهبرد ثبت شد")
        assert "مسئله ۲" in linked["text"]
        await user.press("۱. کمبود پارکینگ در محدوده بازار رضا")  # it is about the first problem
        assert (await user.wait_for_answer())["text"] == "ثبت شد ✓"
        await user.send("یادداشتی که اشتباه فرستادم")
        await user.wait_for_message(contains="یادداشت ثبت شد")
        await user.send("/undo")
        assert "یادداشتی که اشتباه" in (await user.wait_for_message(contains="حذف شد"))["text"]

        await user.send("/close")
        summary = await user.wait_for_message(contains="پایان جلسه شماره ۱")
        assert "یادداشت‌ها: ۳" in summary["text"] and "مسئله ۲، راهبرد ۱" in summary["text"]
        await user.press("پایان و دریافت صورت‌جلسه ✅")
        minutes_message = await user.wait_for_message(predicate=lambda m: "document" in m)
        assert minutes_message["document"]["file_name"] == "minutes-1.html"
        minutes = await download(emulator.base_url, minutes_message["document"]["file_id"])
        await user.send("یک پیام پس از پایان")  # no meeting is open: not a note any more
        await user.wait_for_message()

    assert 'dir="rtl"' in minutes and "Vazirmatn" in minutes
    assert "&lt;بسیار&gt;" in minutes and "<بسیار>" not in minutes  # user text is escaped
    assert "کمبود پارکینگ در محدوده بازار رضا" in minutes and "یادداشتی که اشتباه" not in minutes

    async with database(settings) as sessions, sessions() as session:
        meeting = await session.scalar(select(Meeting))
        assert (meeting.status, meeting.source, meeting.working_group) == ("closed", "elite_interview", "hq.transport")
        assert meeting.axes == ["transport", "economy"] and meeting.district == "d09"
        assert meeting.stakeholder_groups == ["elites"] and meeting.attendees == 7
        assert meeting.held_on == today_local() and meeting.closed_at is not None
        notes = (await session.scalars(select(Note).order_by(Note.id))).all()
        assert [n.kind for n in notes] == ["text", "voice", "photo", "text"]
        assert notes[-1].deleted_at is not None and all(n.deleted_at is None for n in notes[:-1])
        assert notes[1].file_id and notes[1].file_size == len(b"OggS-voice-bytes") and notes[1].mime_type == "audio/ogg"
        assert notes[2].file_id and notes[2].text == "نقشه محدوده" and notes[2].mime_type == "image/jpeg"
        findings = (await session.scalars(select(Finding).order_by(Finding.id))).all()
        first, second, strategy = findings
        assert (first.kind, first.axis, first.severity) == ("problem", "transport", 4)
        assert (second.kind, second.axis, second.severity) == ("problem", "governance", 3)
        assert (strategy.kind, strategy.parent_id, strategy.axis) == ("strategy", first.id, "transport")
        for finding in findings:
            assert (
                finding.source,
                finding.working_group,
                finding.district,
                finding.stakeholder_group,
                finding.meeting_id,
            ) == ("elite_interview", "hq.transport", "d09", "elites", meeting.id)
        assert await session.scalar(select(func.count()).select_from(Invite).where(Invite.used_at.is_not(None))) == 1
        assert (await session.scalar(select(Role))).scope == "hq.transport"

    exported = settings.data_dir.parent / "findings.csv"
    await cli(settings, "export", "findings", "--format", "csv", "--out", str(exported))
    rows = list(csv.DictReader(exported.read_text(encoding="utf-8-sig").splitlines()))
    assert len(rows) == 3
    assert all("elite_interview" in row.values() and "hq.transport" in row.values() for row in rows)
    assert {"4", "3"} <= {value for row in rows for value in row.values()}
