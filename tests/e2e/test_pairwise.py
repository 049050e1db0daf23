"""Citizens rank problems two at a time in the bot: answers by button, a double tap counting once,
a changed answer replacing the first, ten pairs then the top and "more", a deep link to another
district, a stale button; and the committee's ranking moving once the plan weighs citizens'
preference."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

import backend.plan
from backend.db import create_engine, session_factory
from backend.integration import problems
from backend.models import AuditEntry, PairAnswer, Problem
from backend.plan import load_plan
from backend.prioritize.priorities import prioritize
from backend.services.findings import record_finding
from bot.runner import running_bot
from tests.e2e.citizens import join
from tests.e2e.conftest import TOKEN

TITLES = [  # six distinct problems, each raised once by the same source: the committee's criteria tie
    "ترافیک سنگین در بلوار وکیل‌آباد",
    "کمبود فضای سبز در حاشیه شهر",
    "جمع‌آوری نامنظم زباله در محلات",
    "نبود شفافیت در بودجه شهرداری",
    "کمبود فضاهای فرهنگی برای نوجوانان",
    "خاموشی چراغ‌های معابر در شب",
]


ELSEWHERE = ["کمبود پارکینگ در اطراف حرم", "آب‌گرفتگی خیابان‌ها پس از باران"]  # raised in district 5


async def _problems(sessions) -> dict[str, int]:  # type: ignore[no-untyped-def]
    async with sessions() as session, session.begin():
        for text, district in [(t, "d05") for t in ELSEWHERE] + [(t, "d02") for t in TITLES]:
            await record_finding(
                session,
                kind="problem",
                text=text,
                source="citizen_poll",
                stakeholder_group="citizens",
                district=district,
            )
        await problems.integrate(session)
        return {title: id_ for id_, title in (await session.execute(select(Problem.id, Problem.title))).all()}


def _picks(message: dict) -> dict[str, str]:  # type: ignore[type-arg]
    """The callback data of a pair's buttons by pick (first, second, equal, skip, unknown)."""
    buttons = [b for row in message["reply_markup"]["inline_keyboard"] for b in row]
    return {b["callback_data"].split(":")[4]: b["callback_data"] for b in buttons}


def _ids(data: str) -> tuple[int, int]:
    parts = data.split(":")
    return int(parts[2]), int(parts[3])


def _weighted_plan(tmp_path: Path, weight: float):  # type: ignore[no-untyped-def]
    bundled = Path(backend.plan.__file__).with_name("mashhad-1401-1404.yaml").read_text(encoding="utf-8")
    changed = bundled.replace("citizen_preference: 0.0", f"citizen_preference: {weight}")
    assert changed != bundled
    path = tmp_path / "plan.yaml"
    path.write_text(changed, encoding="utf-8")
    return load_plan(path)


async def test_citizen_ranks_pairs_by_buttons(settings_for, emulator, stack, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    settings = settings_for()
    engine = create_engine(stack.database_url)
    sessions = session_factory(engine)
    try:
        async with running_bot(settings):
            ids = await _problems(sessions)
            favourite = max(ids.values())  # the citizen always prefers the newest problem
            before = await prioritize_ranks(sessions, load_plan())
            assert before[favourite] == len(ids)  # the committee's criteria tie: it comes last

            citizen = emulator.user(TOKEN, user_id=7301, first_name="شهروند", language_code="fa")
            await join(citizen)
            home = (await citizen.messages())[-1]
            assert "⚖️ اولویت‌بندی مسائل شهر" in [
                b["text"] for row in home["reply_markup"]["inline_keyboard"] for b in row
            ]

            await citizen.start("rank")
            first = await citizen.wait_for_message(contains="کدام برای منطقه ۲ مهم‌تر است؟")
            picks = _picks(first)
            assert set(picks) == {"first", "second", "equal", "skip", "unknown"}
            compared = [_ids(picks["first"])]  # every pair answered; the newer problem always wins in the end
            low_pick = "first" if _ids(picks["first"])[0] < _ids(picks["first"])[1] else "second"
            high_pick = "second" if low_pick == "first" else "first"

            # a double tap: the second press of the same button counts once and asks nothing new
            await citizen.press(data=picks[low_pick], message_id=first["message_id"])
            assert (await citizen.wait_for_answer())["text"] == "ثبت شد"
            second = await citizen.wait_for_message(contains="کدام برای منطقه ۲ مهم‌تر است؟ (۲)")
            await citizen.press(data=picks[low_pick], message_id=first["message_id"])
            assert (await citizen.wait_for_answer())["text"] == "این پاسخ قبلاً ثبت شده است"
            # a changed answer replaces the first
            await citizen.press(data=picks[high_pick], message_id=first["message_id"])
            assert (await citizen.wait_for_answer())["text"] == "پاسخ شما عوض شد"
            async with sessions() as session:
                rows = (await session.execute(select(PairAnswer.choice))).scalars().all()
                audited = await session.scalar(select(func.count()).where(AuditEntry.action == "pairwise.answer"))
            assert rows == ["high"] and audited == 2
            marked = next(m for m in await citizen.messages() if m["message_id"] == first["message_id"])
            assert [
                b["text"]
                for row in marked["reply_markup"]["inline_keyboard"]
                for b in row
                if b["text"].startswith("✓ ")
            ]

            pair = second
            for n in range(2, 11):  # the rest of the round of ten, preferring the newest problem each time
                picks = _picks(pair)
                a, b = _ids(picks["first"])
                compared.append((a, b))
                await citizen.press(data=picks["first" if max(a, b) == a else "second"], message_id=pair["message_id"])
                await citizen.wait_for_answer()
                if n < 10:
                    pair = await citizen.wait_for_message(contains=f"مهم‌تر است؟ ({_fa(n + 1)})")
            top = await citizen.wait_for_message(contains="اولویت شهروندان تا این لحظه")
            lines = top["text"].split("\n")
            # the district's top: a problem the citizen always preferred (the newest when it was compared
            # enough; another never passed over can lead when it won more comparisons, as the prior weighs)
            undefeated = {i for pair in compared for i in pair} - {min(pair) for pair in compared}
            assert favourite in undefeated
            assert ids[lines[2].removeprefix("۱. ")] in undefeated
            assert "کل شهر" in top["text"]
            await citizen.press("ادامه، جفت‌های بیشتر")
            await citizen.wait_for_message(contains="مهم‌تر است؟ (۱۱)")
            async with sessions() as session:
                assert await session.scalar(select(func.count()).select_from(PairAnswer)) == 10

            # the committee's ranking moves once the plan weighs citizens' preference
            unweighted = await prioritize_ranks(sessions, load_plan())
            assert unweighted[favourite] == len(ids)
            weighted = await prioritize_ranks(sessions, _weighted_plan(tmp_path, 0.5))
            assert weighted[favourite] < len(ids) and weighted != unweighted
            assert [i for i, rank in weighted.items() if rank == 1][0] in undefeated

            # a deep link to another district; a button naming a problem that is gone is stale
            await citizen.start("rank_d05")
            elsewhere = await citizen.wait_for_message(contains="کدام برای منطقه ۵ مهم‌تر است؟")
            assert all(title in elsewhere["text"] for title in ELSEWHERE)
            await citizen.start("rank_d99")
            await citizen.wait_for_message(contains="«d99» در برنامه نیست")
            forged = await citizen.press(
                data=f"pp:d02:{favourite}:999999:first:1", message_id=first["message_id"], force=True
            )
            stale = await citizen.wait_for_answer(forged["callback_query"]["id"])
            assert stale["show_alert"] and "این دکمه دیگر کار نمی‌کند" in stale["text"]
    finally:
        await engine.dispose()


async def prioritize_ranks(sessions, plan) -> dict[int, int]:  # type: ignore[no-untyped-def]
    async with sessions() as session:
        ranked = (await prioritize(session, plan)).ranked
    return {int(i): int(r) for i, r in ranked["rank"].items()}


def _fa(n: int) -> str:
    return str(n).translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))
