"""The Surveys, Invites, Meetings and Digests routes over HTTP: no session refused, a member refused the
admin pages, a facilitator kept to their working group, no change without the CSRF token, and user text
(survey titles, notes, organization names, attack strings) escaped on every page."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from backend.context import transaction
from backend.meetings import service
from backend.models import AuditEntry, Invite, Meeting
from backend.participants import service as participants
from tests.console.conftest import Console, csrf_of

MEMBER = ("member", "drafting_committee")
ATTACK = "<script>alert('x')</script><img src=x onerror=alert(1)>"
ESCAPED = "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"
ATTACK_YAML = f"""
code: attack
title: {{fa: "{ATTACK}", en: "{ATTACK}"}}
description: {{fa: "{ATTACK}"}}
languages: [fa, en]
questions:
  - {{name: q1, type: select_one, label: {{fa: "{ATTACK}", en: "{ATTACK}"}},
     choices: [{{name: a, label: {{fa: "{ATTACK}", en: "{ATTACK}"}}}}]}}
"""
ADMIN_PAGES = [
    ("GET", "/surveys"),
    ("GET", "/surveys/attack"),
    ("GET", "/surveys/attack/preview"),
    ("GET", "/surveys/attack/qr.png"),
    ("GET", "/surveys/attack/export.csv"),
    ("POST", "/surveys/upload"),
    ("POST", "/surveys/attack/schedule"),
    ("GET", "/invites"),
    ("POST", "/invites"),
    ("POST", "/invites/1/revoke"),
]
MEMBER_PAGES = [("GET", "/digests"), ("GET", "/digests/2026-03-21/2026-03-27")]
FACILITATOR_PAGES = [("GET", "/meetings"), ("GET", "/meetings/1"), ("GET", "/meetings/1/minutes")]


async def _upload(client, name: str, content: bytes):  # type: ignore[no-untyped-def]
    page = (await client.get("/surveys")).text
    return await client.post(
        "/surveys/upload", data={"csrf_token": csrf_of(page)}, files={"survey_file": (name, content, "text/yaml")}
    )


async def _meeting(console: Console, group: str) -> int:
    async with transaction(console.context) as session:
        facilitator = await participants.join(session, console.context.secret, 777_001, "fa")
        meeting = Meeting(kind="forum", source="civil_society_forum", held_on=date(2026, 3, 1), organizations=ATTACK)
        service.apply_working_group(console.context.plan, meeting, group)
        session.add(meeting)
        await session.flush()
        await service.add_note(session, meeting, facilitator.id, kind="text", text=ATTACK)
        finding = await service.add_finding(session, meeting, facilitator.id, "problem", ATTACK)
        finding.organization = ATTACK
        return meeting.id


async def test_no_session_is_refused_on_every_page(console: Console) -> None:
    async with console.client() as client:
        for method, path in ADMIN_PAGES + MEMBER_PAGES + FACILITATOR_PAGES:
            response = await client.request(method, path)
            assert response.status_code == 401, (method, path)


async def test_roles_are_checked_on_every_route(console: Console, client_as) -> None:  # type: ignore[no-untyped-def]
    group = console.context.plan.working_groups[0].code
    meeting = await _meeting(console, group)
    other = await _meeting(console, console.context.plan.working_groups[1].code)
    member = await client_as(MEMBER)
    csrf = csrf_of((await member.get("/digests")).text)
    for method, path in ADMIN_PAGES:
        refused = await member.request(method, path, data={"csrf_token": csrf} if method == "POST" else None)
        assert refused.status_code == 403 and "فقط برای مدیران" in refused.text, (method, path)
    for method, path in MEMBER_PAGES:
        assert (await member.request(method, path)).status_code == 200, path
    assert (await member.get("/meetings")).status_code == 403

    facilitator = await client_as(("facilitator", group))
    listed = await facilitator.get("/meetings")
    assert listed.status_code == 200 and f'href="/meetings/{meeting}"' in listed.text
    assert f'href="/meetings/{other}"' not in listed.text
    assert (await facilitator.get(f"/meetings/{meeting}/minutes")).status_code == 200
    for path in (f"/meetings/{other}", f"/meetings/{other}/minutes"):
        assert (await facilitator.get(path)).status_code == 400  # refused the same as a meeting that does not exist
    assert (await facilitator.get("/surveys")).status_code == 403
    assert (await facilitator.get("/digests")).status_code == 403


async def test_no_change_without_the_csrf_token(console: Console, client_as) -> None:  # type: ignore[no-untyped-def]
    admin = await client_as("admin")
    page = (await admin.get("/invites")).text
    made = await admin.post(
        "/invites", data={"csrf_token": csrf_of(page), "role": "member", "scope": "drafting_committee", "days": "۷"}
    )
    assert made.status_code == 200 and "/start i_" in made.text  # no bot username set: the /start command
    async with transaction(console.context) as session:
        invite = (await session.scalars(select(Invite))).one()
    for sent in ({}, {"csrf_token": "forged"}):
        for path, data in (
            ("/invites", {"role": "member", "scope": "drafting_committee", "days": "7"}),
            (f"/invites/{invite.id}/revoke", {}),
            ("/surveys/attack/schedule", {"action": "close"}),
        ):
            refused = await admin.post(path, data={**data, **sent})
            assert refused.status_code == 403 and "نشانه امنیتی" in refused.text, path
        upload = await admin.post("/surveys/upload", data=sent, files={"survey_file": ("a.yaml", ATTACK_YAML.encode())})
        assert upload.status_code == 403
    revoked = await admin.post(f"/invites/{invite.id}/revoke", data={"csrf_token": csrf_of(page)})
    assert revoked.status_code == 303
    async with transaction(console.context) as session:
        assert len((await session.scalars(select(Invite))).all()) == 1  # the refused posts made nothing
        actions = (await session.scalars(select(AuditEntry.action).order_by(AuditEntry.id))).all()
    assert actions[-2:] == ["invite.created", "invite.revoked"]


async def test_user_text_is_escaped_on_every_page(console: Console, client_as) -> None:  # type: ignore[no-untyped-def]
    admin = await client_as("admin")
    assert (await _upload(admin, "attack.yaml", ATTACK_YAML.encode())).status_code == 303
    meeting = await _meeting(console, console.context.plan.working_groups[0].code)
    for path in (
        "/surveys",
        "/surveys/attack",
        "/surveys/attack/preview?language=fa",
        "/surveys/attack/preview?language=en",
        "/meetings",
        f"/meetings/{meeting}",
        f"/meetings/{meeting}/minutes",
    ):
        page = await admin.get(path)
        assert page.status_code == 200, path
        assert "<script>alert" not in page.text and "<img src=x" not in page.text, path
    detail = (await admin.get(f"/meetings/{meeting}")).text
    assert detail.count(ESCAPED) >= 3  # the organizations, the note and the finding
    broken = await _upload(admin, f"{ATTACK}.yaml", b"code: [unclosed")
    assert broken.status_code == 400 and "<script>alert" not in broken.text and ESCAPED in broken.text
