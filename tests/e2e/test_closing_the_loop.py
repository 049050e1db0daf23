"""Closing the loop end to end: a citizen's survey problem is integrated, ranked and approved; the
citizen hears it once at the weekly batch (not once per stage), /mine shows the stage, the public page
shows it, and /forget stops the messages and /mine.

The clock is the test's: the weekly job's function is called with the firing time the test chooses.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlalchemy import select

from backend.committee.titles import set_public_title
from backend.context import AppContext
from backend.db import create_engine, session_factory
from backend.integration import problems
from backend.lifecycle.progress import record_progress
from backend.models import Finding, Participant, ProblemFinding, Role, utcnow
from backend.plan import load_plan
from backend.public.results import results
from backend.services.findings import record_finding
from backend.voting import service as voting
from backend.voting.agendas import next_entries
from bot.app import create_bot
from bot.lifecycle.schedule import weekly_news
from bot.runner import running_bot
from bot.scheduling.registry import JobContext
from reports.public.site import Site, page
from tests.e2e.citizens import join, to_the_problem
from tests.e2e.conftest import TOKEN

SAID = "ترافیک سنگین بلوار وكيل‌آباد در ساعات اوج صبح"
PUBLIC_TITLE = "روان‌سازی ترافیک بلوار وکیل‌آباد"
PUBLIC_URL = "https://results.example.org/public"
NEWS = "آنچه این هفته"
BODY = "drafting_committee"


async def _answer_survey(user) -> None:  # type: ignore[no-untyped-def]
    await join(user, "منطقه ۹")
    await to_the_problem(user)
    await user.send(SAID)
    await user.wait_for_message(contains="کدام محور")
    await user.press("حمل‌ونقل و ترافیک")
    await user.wait_for_message()
    await user.send("مترو را تا انتهای وکیل‌آباد ادامه دهید")
    await user.wait_for_message(contains="مرور پاسخ‌ها")
    await user.press("ارسال نهایی ✅")
    await user.wait_for_message(contains="سپاس")


async def _integrate_rank_approve(app: AppContext) -> int:
    """Other sources raise the same problem; integration, the committee's agenda, three approvals."""
    async with app.sessions() as session, session.begin():
        for source in ("elite_interview", "council_interview", "neighborhood_council"):
            await record_finding(
                session,
                kind="problem",
                text="ترافیک سنگین در بلوار وکیل‌آباد",
                source=source,
                axis="transport",
                stakeholder_group="elites",
                severity=4,
            )
        await record_finding(
            session,
            kind="problem",
            text="کمبود فضای سبز در حاشیه شهر",
            source="citizen_poll",
            severity=3,
            axis="urban_development",
        )
        await problems.integrate(session)
        problem = await session.scalar(
            select(ProblemFinding.problem_id)
            .join(Finding, Finding.id == ProblemFinding.finding_id)
            .where(Finding.source == "citizen_poll", Finding.participant_id.is_not(None))
        )
        assert problem is not None
        members = []
        for n in range(3):
            member = Participant(pseudonym=f"member-{n}", telegram_id=9300 + n)
            session.add(member)
            await session.flush()
            session.add(Role(participant_id=member.id, role="member", scope=BODY))
            members.append(member)
        agenda = await voting.open_agenda(session, app.plan, BODY, await next_entries(session, app.plan, BODY))
        await session.refresh(agenda, ["items"])
        for member in members:
            for item in agenda.items:
                await voting.cast(session, app.plan, item_id=item.id, participant=member, choice="approve")
        await voting.close_due(session, app.plan, now=agenda.deadline + timedelta(seconds=1))
    await set_public_title(app, "committee", problem, PUBLIC_TITLE)
    return problem


async def _news(user) -> list[dict]:  # type: ignore[no-untyped-def,type-arg]
    return [m for m in await user.messages() if NEWS in (m.get("text") or "")]


async def test_a_citizen_hears_once_what_became_of_their_problem(settings_for, emulator, stack) -> None:  # type: ignore[no-untyped-def]
    settings = settings_for(public_url=PUBLIC_URL)
    engine = create_engine(stack.database_url)
    app = AppContext(settings=settings, plan=load_plan(), engine=engine, sessions=session_factory(engine))
    bot = create_bot(settings)
    try:
        async with running_bot(settings):
            citizen = emulator.user(TOKEN, user_id=6101, first_name="زهرا", username="zahra_k", language_code="fa")
            await _answer_survey(citizen)
            await citizen.send("/mine")
            received = await citizen.wait_for_message(contains="آنچه بر سر گفته‌های شما آمد")
            assert "دریافت شد" in received["text"]

            problem = await _integrate_rank_approve(app)
            now = utcnow()
            await weekly_news(JobContext(bot, app, fired_at=now))
            news = await citizen.wait_for_message(contains=NEWS, timeout=15)
            text = news["text"]
            assert "تصویب کرد" in text and "ترافیک سنگین" in text
            link = f"{PUBLIC_URL}/problems/{problem}.html"
            assert any(e.get("url") == link for e in news.get("entities", [])) or link in str(news)
            await weekly_news(JobContext(bot, app, fired_at=now + timedelta(minutes=5)))  # a rerun the same week
            await asyncio.sleep(1.5)
            assert len(await _news(citizen)) == 1  # one message listing it, not one per stage nor per run

            await citizen.send("/mine")
            mine = await citizen.wait_for_message(contains="آنچه بر سر گفته‌های شما آمد")
            assert "کمیته تدوین" in mine["text"] and "تصویب کرد" in mine["text"]

            async with app.sessions() as session:
                site = Site(await results(session, app.plan, app.zone), app.plan, app.zone)
            public = page(site, f"problems/{problem}.html")
            assert public is not None and PUBLIC_TITLE in public and "تصویب در کمیته تدوین" in public
            assert "zahra_k" not in public and SAID not in public and "6101" not in public

            await citizen.send("/forget")
            await citizen.wait_for_message(contains="مطمئنید")
            await citizen.press("بله، پاک کن")
            await citizen.wait_for_message(contains="پاک شد")
            async with app.sessions() as session, session.begin():
                await record_progress(session, problem, percent=40, note="طراحی تقاطع غیرهمسطح")
            await weekly_news(JobContext(bot, app, fired_at=now + timedelta(days=7)))
            await citizen.send("/mine")
            await citizen.wait_for_message(contains="نمایه‌ای ندارید")
            await asyncio.sleep(1.5)
            assert len(await _news(citizen)) == 1  # nothing after /forget
    finally:
        await bot.session.close()
        await engine.dispose()
