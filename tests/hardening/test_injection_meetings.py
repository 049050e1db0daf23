"""Markup and formulas in what facilitators and NGOs send: plain text in the bot's HTML messages,
escaped in the minutes (reports/minutes.py), neutralized in the findings export."""

from __future__ import annotations

import csv
import re
from html.parser import HTMLParser

from openpyxl import load_workbook

from bot.runner import running_bot
from tests.e2e.conftest import TOKEN
from tests.e2e.test_forum import join
from tests.e2e.test_meetings import cli, download, set_up
from tests.hardening.helpers import FORMULA_ATTACK, HTML_ATTACK, at_meeting, invited, shows_literally, text_of

FILE_NAME = '<img src=x onerror="alert(1)">.pdf'
ORGANIZATION = '<b>سمن</b> <a href="https://evil.example/">تشکل</a>'
UNSAFE_TAGS = {"a", "img", "script", "b", "iframe"}


class _Page(HTMLParser):
    """The tags of an HTML page and its text as a browser shows it."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: set[str] = set()
        self.text: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _harmless(minutes: str, *typed: str) -> None:
    page = _Page(minutes)
    assert not page.tags & UNSAFE_TAGS, page.tags & UNSAFE_TAGS
    shown = "".join(page.text)
    for text in typed:
        assert text in shown, text


async def _minutes(user, emulator) -> str:  # type: ignore[no-untyped-def]
    await user.send("/close")
    await user.wait_for_message(predicate=lambda m: (m.get("text") or "").startswith("پایان "))  # a meeting or forum
    await user.press("پایان و دریافت صورت‌جلسه ✅")
    sent = await user.wait_for_message(predicate=lambda m: "document" in m)
    return await download(emulator.base_url, sent["document"]["file_id"])


async def test_a_meetings_notes_findings_and_file_names(settings_for, emulator, stack) -> None:  # type: ignore[no-untyped-def]
    settings = settings_for()
    async with running_bot(settings):
        user = await at_meeting(emulator, settings, 9901)
        await user.send(HTML_ATTACK)
        await user.wait_for_message(contains="یادداشت ثبت شد")
        await user.upload_document(b"%PDF-1.4", filename=FILE_NAME, mime_type="application/pdf")
        await user.wait_for_message(contains="فایل ثبت شد")
        await user.send(f"/problem {HTML_ATTACK}")
        await user.wait_for_message(contains="به کدام محور")
        await user.press("حمل‌ونقل و ترافیک")
        asked = await user.wait_for_message(contains="شدت این مسئله")
        assert shows_literally(asked, HTML_ATTACK), (text_of(asked), asked.get("entities"))
        await user.press("۴")
        done = await user.wait_for_message(contains="مسئله ثبت شد")
        assert shows_literally(done, HTML_ATTACK)
        await user.send(f"/strategy {FORMULA_ATTACK}")
        linked = await user.wait_for_message(contains="راهبرد ثبت شد")
        assert shows_literally(linked, HTML_ATTACK)  # the problem it was linked to, quoted
        minutes = await _minutes(user, emulator)

    _harmless(minutes, HTML_ATTACK, FILE_NAME, FORMULA_ATTACK)
    out = settings.data_dir.parent
    await cli(settings, "export", "findings", "--format", "csv", "--out", str(out / "f.csv"))
    await cli(settings, "export", "findings", "--format", "xlsx", "--out", str(out / "f.xlsx"))
    rows = list(csv.DictReader((out / "f.csv").read_text(encoding="utf-8-sig").splitlines()))
    assert sorted(row["text"] for row in rows) == sorted([HTML_ATTACK, "'" + FORMULA_ATTACK])
    sheet = load_workbook(out / "f.xlsx").active
    column = [cell.value for cell in sheet[1]].index("text")
    texts = {row[column].value: row[column] for row in sheet.iter_rows(min_row=2)}
    assert texts[FORMULA_ATTACK].data_type == "s" and texts[FORMULA_ATTACK].quotePrefix
    assert not texts[HTML_ATTACK].quotePrefix


async def test_an_ngo_organization_and_feedback(settings_for, emulator, stack) -> None:  # type: ignore[no-untyped-def]
    settings = settings_for()
    async with running_bot(settings):
        host = await invited(emulator, settings, 9911, "facilitator", "hq.transport", "تسهیل‌گر")
        opened = await set_up(host, forum=True)
        ngo = emulator.user(TOKEN, user_id=9912, first_name="سمن", language_code="fa")
        await join(ngo, re.search(r"\?start=(f_\S+)", opened["text"])[1], ORGANIZATION)  # type: ignore[index]
        invitation = [m for m in await ngo.messages() if "اکنون بازخوردهای" in text_of(m)][-1]
        assert shows_literally(invitation, ORGANIZATION)
        await ngo.send(HTML_ATTACK)
        await ngo.wait_for_message(contains="بازخورد شما ثبت شد")
        count = await host.wait_for_message(contains="بازخورد شماره")
        assert shows_literally(count, ORGANIZATION) and shows_literally(count, HTML_ATTACK)
        minutes = await _minutes(host, emulator)

    _harmless(minutes, HTML_ATTACK, ORGANIZATION)


async def test_an_invite_scope_with_markup_is_refused_as_typed(settings_for, emulator, stack) -> None:  # type: ignore[no-untyped-def]
    """The refusal of /invite quotes the scope the admin typed: as text, not as markup."""
    settings = settings_for(admin_ids="9920")
    scope = "<b>hq.transport</b><i>&amp;</i>"
    async with running_bot(settings):
        admin = emulator.user(TOKEN, user_id=9920, language_code="fa")
        await admin.send(f"/invite facilitator {scope}")
        refused = await admin.wait_for_message(contains="در برنامه نیست")
        assert shows_literally(refused, scope)
