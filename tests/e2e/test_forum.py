"""An NGO forum through the emulator: three NGOs send feedback at once, all recorded, none twice."""

from __future__ import annotations

import asyncio
import re

from sqlalchemy import select

from backend.models import Finding, Meeting, Role
from bot.i18n import t
from bot.runner import running_bot
from sandbox.emulator.users import SimulatedUser
from tests.e2e.conftest import TOKEN
from tests.e2e.test_meetings import database, download, facilitator, invite_link, set_up

NGOS = {7101: "انجمن دوستداران میراث مشهد", 7102: "کانون هم‌یاران محله طلاب", 7103: "جمعیت امداد دانشجویی"}


async def join(user: SimulatedUser, payload: str, organization: str) -> None:
    """Open the forum (or invite) link and name the organization."""
    await user.start(payload)
    await user.wait_for_message(contains="از طرف کدام سمن")
    await user.send(organization)
    await user.wait_for_message(contains="اکنون بازخوردهای")


async def give_feedback(user: SimulatedUser, texts: list[str]) -> None:
    for text in texts:
        await user.send(text)
        await user.wait_for_message(contains="بازخورد شما ثبت شد", timeout=10)


async def test_three_ngos_send_feedback_at_once(settings_for, emulator, stack) -> None:  # type: ignore[no-untyped-def]
    settings = settings_for()
    async with running_bot(settings):
        host = await facilitator(emulator, settings, 7100)
        opened = await set_up(host, forum=True)
        payload = re.search(r"\?start=(f_\S+)", opened["text"])[1]  # type: ignore[index]
        by_invite = await invite_link(settings, "ngo", "--forum", "1")
        ngos = {uid: emulator.user(TOKEN, user_id=uid, first_name=f"سمن {uid}", language_code="fa") for uid in NGOS}
        await asyncio.gather(
            *(join(user, by_invite if uid == 7103 else payload, NGOS[uid]) for uid, user in ngos.items())
        )
        await asyncio.gather(
            *(
                give_feedback(user, [f"بازخورد {uid} درباره پیاده‌راه‌ها", f"بازخورد دوم {uid}"])
                for uid, user in ngos.items()
            )
        )
        counts = [await host.wait_for_message(contains="نشست ۱: بازخورد شماره") for _ in range(6)]
        assert any("شماره ۶ " in c["text"] for c in counts)

        await host.send("/close")
        await host.wait_for_message(contains="پایان نشست شماره ۱")  # a forum, not a meeting
        await host.press("پایان و دریافت صورت‌جلسه ✅")
        assert (await host.wait_for_message(contains="بسته شد"))["text"] == t("forums.closing", "fa", number=1)
        minutes = await download(
            emulator.base_url,
            (await host.wait_for_message(predicate=lambda m: "document" in m, timeout=10))["document"]["file_id"],
        )
        late = ngos[7101]
        await late.send("بازخوردی پس از پایان نشست")  # the forum is closed: not recorded, and they are told
        assert (await late.wait_for_message())["text"] == t("forums.closed", "fa")
        await host.send("پیامی پس از پایان نشست")
        assert (await host.wait_for_message())["text"] == t("forums.after_close", "fa", number=1)

    assert "نشست گفتمانی" in minutes and all(name in minutes for name in NGOS.values())
    async with database(settings) as sessions, sessions() as session:
        forum = await session.scalar(select(Meeting))
        assert (forum.kind, forum.status, forum.source) == ("forum", "closed", "civil_society_forum")
        findings = (await session.scalars(select(Finding).order_by(Finding.id))).all()
        assert sorted(f.text for f in findings) == sorted(
            text for uid in NGOS for text in (f"بازخورد {uid} درباره پیاده‌راه‌ها", f"بازخورد دوم {uid}")
        )
        assert {f.organization for f in findings} == set(NGOS.values())
        assert all(
            (f.stakeholder_group, f.source, f.meeting_id, f.working_group)
            == ("civil_society", "civil_society_forum", forum.id, "hq.transport")
            for f in findings
        )
        seats = (await session.scalars(select(Role).where(Role.role == "ngo"))).all()
        assert len(seats) == 3 and {s.scope for s in seats} == {str(forum.id)}
