"""The console's locks, over HTTP: sessions, CSRF, roles, one-time links, signed cookies, escaping."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import update

from backend.console import signin
from backend.context import transaction
from backend.models import SignInLink, utcnow
from console.app import PAGES
from console.auth import PUBLIC_PATHS, PUBLIC_PREFIXES, SESSION_COOKIE, session_cookie
from tests.console.conftest import Console, csrf_of

MEMBER = ("member", "drafting_committee")


def _pages(console: Console) -> list[tuple[str, str]]:
    """Every route of the pages registered in ``console.app.PAGES`` (method, path with sample parameters),
    public ones left out."""
    routes = []
    for route in [route for module in PAGES for route in module.router.routes]:
        methods = getattr(route, "methods", None)
        if not methods or route.path in PUBLIC_PATHS or route.path.startswith(PUBLIC_PREFIXES):
            continue
        path = route.path.replace("{role_id}", "1")
        for name in ("{body}", "{working_group}", "{survey_id}", "{id}"):
            path = path.replace(name, "1")
        routes.extend((method, path) for method in sorted(methods) if method != "HEAD")
    return routes


async def test_no_page_or_json_without_a_session(console: Console) -> None:
    pages = _pages(console)
    assert ("GET", "/") in pages and ("GET", "/people") in pages and ("GET", "/dashboard/figures") in pages
    assert ("GET", "/citizens-order") in pages
    async with console.client() as client:
        for method, path in pages:
            response = await client.request(method, path)
            assert response.status_code == 401, (method, path, response.status_code)
            assert "console" in response.text  # says how to sign in: /console to the bot
        polled = await client.get("/dashboard/figures", headers={"HX-Request": "true"})
        assert polled.status_code == 401 and polled.headers["HX-Redirect"] == "/signin"


async def test_a_member_sees_the_dashboard_and_is_refused_admin_pages(console: Console, client_as) -> None:
    member = await client_as(MEMBER)
    assert (await member.get("/")).status_code == 200
    refused = await member.get("/people")
    assert refused.status_code == 403 and "فقط برای مدیران" in refused.text
    facilitator = await client_as(("facilitator", console.context.plan.working_groups[0].code))
    assert (await facilitator.get("/")).status_code == 403


async def test_a_post_without_the_csrf_token_is_refused(console: Console, client_as) -> None:
    admin = await client_as("admin")
    holder = await console.person(MEMBER)
    page = (await admin.get("/people")).text
    role_id = page.split('action="/people/roles/', 1)[1].split("/", 1)[0]
    for sent in ({}, {"csrf_token": "forged"}):
        refused = await admin.post(f"/people/roles/{role_id}/revoke", data=sent)
        assert refused.status_code == 403 and "نشانه امنیتی" in refused.text
    assert f"/people/roles/{role_id}/revoke" in (await admin.get("/people")).text  # nothing changed
    done = await admin.post(f"/people/roles/{role_id}/revoke", data={"csrf_token": csrf_of(page)})
    assert done.status_code == 303 and holder


async def test_a_used_or_expired_or_unknown_link_is_refused(console: Console) -> None:
    token = await signin.create_link(console.context, await console.person(MEMBER))
    async with console.client() as client:
        assert (await client.post("/signin", data={"token": token})).status_code == 303
    async with console.client() as again:
        used = await again.post("/signin", data={"token": token})
        assert used.status_code == 400 and "پیش‌تر به کار رفته" in used.text and SESSION_COOKIE not in used.cookies
        unknown = await again.post("/signin", data={"token": token + "x"})
        assert unknown.status_code == 400 and "شناخته نیست" in unknown.text
    old = await signin.create_link(console.context, await console.person(MEMBER))
    async with transaction(console.context) as session:
        await session.execute(update(SignInLink).values(expires_at=utcnow() - timedelta(seconds=1)))
    async with console.client() as late:
        expired = await late.post("/signin", data={"token": old})
        assert expired.status_code == 400 and "گذشته است" in expired.text


async def test_a_cookie_signed_with_another_key_is_refused(console: Console, client_as) -> None:
    admin = await client_as("admin")
    value = admin.cookies[SESSION_COOKIE]
    token = value.rpartition(".")[0]
    assert session_cookie(console.context, token) == value
    forged = value[:-4] + ("0000" if not value.endswith("0000") else "1111")
    async with console.client() as client:
        client.cookies.set(SESSION_COOKIE, forged)
        assert (await client.get("/")).status_code == 401
        client.cookies.set(SESSION_COOKIE, token)  # the token alone, unsigned
        assert (await client.get("/")).status_code == 401


async def test_signing_out_ends_the_session_everywhere(console: Console, client_as) -> None:
    admin = await client_as("admin")
    cookie = admin.cookies[SESSION_COOKIE]
    page = (await admin.get("/")).text
    assert (await admin.post("/signout", data={"csrf_token": csrf_of(page)})).status_code == 303
    async with console.client() as copy:
        copy.cookies.set(SESSION_COOKIE, cookie)  # a copy of the cookie taken before signing out
        assert (await copy.get("/")).status_code == 401


async def test_an_idle_session_ends(console: Console, client_as) -> None:
    from backend.models import ConsoleSession

    admin = await client_as("admin")
    async with transaction(console.context) as session:
        await session.execute(
            update(ConsoleSession).values(last_seen_at=utcnow() - signin.IDLE_TIMEOUT - timedelta(seconds=1))
        )
    assert (await admin.get("/")).status_code == 401


async def test_failed_sign_ins_are_limited(console: Console) -> None:
    async with console.client() as client:
        for _ in range(console.app.state.failed_signins.limit):
            assert (await client.post("/signin", data={"token": "guess"})).status_code == 400
        token = await signin.create_link(console.context, await console.person(MEMBER))
        blocked = await client.post("/signin", data={"token": token})
        assert blocked.status_code == 429 and SESSION_COOKIE not in blocked.cookies


@pytest.mark.redis
async def test_failed_sign_ins_are_counted_in_redis(redis_url: str) -> None:
    from redis.asyncio import Redis

    from console.limits import FailedSignIns

    redis = Redis.from_url(redis_url)
    try:
        first, second = FailedSignIns(redis, limit=2), FailedSignIns(redis, limit=2)  # two console processes
        await first.failed("10.0.0.1")
        assert not await second.blocked("10.0.0.1")
        await second.failed("10.0.0.1")
        assert await first.blocked("10.0.0.1") and not await first.blocked("10.0.0.2")
    finally:
        await redis.aclose()


async def test_pages_send_security_headers_and_the_cookie_is_http_only(console: Console) -> None:
    token = await signin.create_link(console.context, await console.person(MEMBER))
    async with console.client() as client:
        signed = await client.post("/signin", data={"token": token})
        cookie = signed.headers["set-cookie"].lower()
        assert "httponly" in cookie and "samesite=lax" in cookie and "secure" not in cookie  # http here
        page = await client.get("/")
        assert "default-src 'self'" in page.headers["content-security-policy"]
        assert page.headers["referrer-policy"] == "no-referrer" and page.headers["cache-control"] == "no-store"


async def test_what_a_visitor_types_into_the_address_is_escaped(console: Console) -> None:
    attack = '"><script>alert(1)</script>'
    async with console.client() as client:
        page = await client.get("/signin", params={"token": attack})
        assert attack not in page.text and "&#34;&gt;&lt;script&gt;" in page.text
        away = await client.get("/lang/en", params={"next": "//evil.example/"})
        assert away.status_code == 303 and away.headers["location"] == "/"
        back = await client.get("/lang/en", params={"next": "/people"})
        assert back.headers["location"] == "/people" and back.cookies["meydan_lang"] == "en"
        missing = await client.get(f"/no-such-page/{attack}")
        assert missing.status_code == 404 and "<script>alert(1)" not in missing.text
