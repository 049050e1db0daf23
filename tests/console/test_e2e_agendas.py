"""Agendas end to end: the committee pushes an agenda from the console's agendas page in Chromium, the
members' chats (the emulator) receive it through the outbox, a vote shows on the page, a deadline is
extended; each action audited."""

from __future__ import annotations

import re

from sqlalchemy import select

from backend.config import Settings
from backend.context import AppContext, transaction
from backend.db import create_engine, session_factory
from backend.integration import problems
from backend.models import Agenda, AuditEntry
from backend.plan import load_plan
from backend.services import invites
from backend.services.findings import record_finding
from bot.runner import running_bot
from bot.voting.agendas import open_next_agenda
from console.app import create_app
from sandbox.emulator.users import SimulatedUser
from tests.browser import open_page
from tests.console.conftest import ARTIFACTS, free_port, serving, sign_in_page
from tests.e2e.conftest import TOKEN, emulator, settings_for  # noqa: F401  (fixtures)

ADMIN = 7101
LINK = re.compile(r"https?://\S+/signin\?token=[\w-]+")
STATEMENTS = (
    ("ترافیک سنگین در بلوار وکیل‌آباد", ("elite_interview", "citizen_poll")),
    ("جمع‌آوری نامنظم زباله در محلات", ("agency_interview",)),
)


async def _console_link(user: SimulatedUser) -> str:
    await user.send("/console")
    message = await user.wait_for_message(contains="/signin?token=")
    found = LINK.search(message["text"])
    assert found, message["text"]
    return found.group(0)


async def test_push_an_agenda_from_the_page_and_the_members_chats_receive_it(
    settings_for,  # noqa: F811
    emulator,  # noqa: F811
    browser,
) -> None:  # type: ignore[no-untyped-def]
    settings: Settings = settings_for(admin_ids=[ADMIN], web_url=f"http://127.0.0.1:{free_port()}")
    engine = create_engine(settings.db_url)
    context = AppContext(settings=settings, plan=load_plan(), engine=engine, sessions=session_factory(engine))
    console = create_app(context)
    console.state.push_agenda = open_next_agenda  # as ``meydan web`` wires it
    try:
        async with running_bot(settings), serving(console, settings.web_url):
            async with transaction(context) as session:
                for text, sources in STATEMENTS:
                    for source in sources:
                        await record_finding(session, kind="problem", text=text, source=source, axis="transport")
                await problems.integrate(session, places=context.plan.places)
            members = [
                emulator.user(TOKEN, user_id=uid, first_name=name, language_code="fa")
                for uid, name in ((7201, "عضو الف"), (7202, "عضو ب"))
            ]
            for member in members:
                async with transaction(context) as session:
                    invite = await invites.create(session, context.secret, context.plan, "member", "drafting_committee")
                await member.start("i_" + invite)
                await member.wait_for_message(contains="کمیته تدوین")
            admin = emulator.user(TOKEN, user_id=ADMIN, first_name="دبیرخانه", language_code="fa")
            link = await _console_link(admin)

            async with open_page(browser, (1280, 900)) as page:
                await sign_in_page(page.page, link)
                await page.page.goto(settings.web_url + "/agendas")
                await page.page.locator("#body-drafting_committee button.push").click()
                await page.page.wait_for_selector("p.notice")
                assert "۲ مورد" in await page.page.locator("p.notice").inner_text()
                for member in members:  # the outbox delivers the header and one message per item
                    await member.wait_for_message(contains="دستور جلسه")
                    await member.wait_for_message(contains="امتیاز")
                    await member.wait_for_message(contains="امتیاز")
                shown = [m for m in await members[0].messages() if "امتیاز" in (m.get("text") or "")]
                await members[0].press("موافق ✅", message_id=shown[0]["message_id"])
                await members[0].wait_for_answer()
                await page.page.goto(settings.web_url + "/agendas")
                board = page.page.locator("#body-drafting_committee")
                assert "موافق" in await board.inner_text()
                await board.locator("input[name=hours]").fill("۴۸")
                await board.locator("form.inline button").first.click()
                await page.page.wait_for_load_state()
                await page.screenshot(ARTIFACTS / "workbench-agendas.png")
                assert page.errors == []
            async with transaction(context) as session:
                agenda = await session.scalar(select(Agenda))
                actions = (
                    await session.scalars(select(AuditEntry.action).where(AuditEntry.action.like("agenda.%")))
                ).all()
            assert agenda is not None and agenda.deadline - agenda.opens_at > agenda.opens_at - agenda.opens_at
            assert {"agenda.opened", "agenda.push", "agenda.extend"} <= set(actions)
    finally:
        await engine.dispose()
