"""The citizens' order page over HTTP: a member reads citizens' order by district and axis beside the
committee's with Kendall's tau, in Persian first and in English; titles are escaped; no session, no
page; a facilitator who sits on no body is refused."""

from __future__ import annotations

from backend.integration import problems
from backend.pairwise import service
from backend.participants import service as participants
from backend.services.findings import record_finding
from tests.console.conftest import Console

CITIZEN = 920_501
HOSTILE = "<script>alert(1)</script> ترافیک سنگین در بلوار وکیل‌آباد"
TEXTS = [HOSTILE, "کمبود فضای سبز در حاشیه شهر", "نبود شفافیت در بودجه شهرداری"]


async def _answered(console: Console) -> None:
    """Three problems of district d03 on the transport axis, and a citizen who compared every pair,
    always preferring the hostile title."""
    app = console.context
    async with app.sessions() as session, session.begin():
        for text in TEXTS:
            await record_finding(
                session, kind="problem", text=text, source="citizen_poll", district="d03", axis="transport"
            )
        await problems.integrate(session)
        citizen = await participants.join(session, app.secret, CITIZEN, "fa")
        await participants.set_profile(session, citizen, district="d03")
    update = 0
    while (pair := await service.next_pair(app, CITIZEN, "d03")) is not None:
        update += 1
        pick = "second" if pair.second.title == HOSTILE else "first" if pair.first.title == HOSTILE else "equal"
        await service.answer(app, (7, update), CITIZEN, (pair.first.id, pair.second.id), pick, "d03")
    assert update == 3


async def test_a_member_reads_citizens_order_beside_the_committees(console: Console, client_as) -> None:  # type: ignore[no-untyped-def]
    await _answered(console)
    client = await client_as(("member", "drafting_committee"))
    response = await client.get("/citizens-order")
    assert response.status_code == 200, response.text
    html = response.text
    assert "اولویت شهروندان در برابر اولویت کمیته" in html and "تاو کندال" in html
    # the city, the district and the axis by name
    assert "کل شهر" in html and "منطقه ۳" in html and "حمل‌ونقل و ترافیک" in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>alert" not in html
    assert html.index("&lt;script&gt;") < html.index("کمبود فضای سبز")  # citizens put it first
    assert "۳" in html  # three problems compared, in Persian digits

    await client.get("/lang/en")
    english = (await client.get("/citizens-order")).text
    assert "Citizens&#39; order beside the committee&#39;s" in english and "Kendall&#39;s tau" in english
    assert "The whole city" in english


async def test_the_page_is_empty_before_any_answer_and_refused_without_a_session_or_a_body(
    console: Console, client_as
) -> None:  # type: ignore[no-untyped-def]
    member = await client_as(("member", "drafting_committee"))
    assert "هنوز هیچ شهروندی مسائل را دوبه‌دو مقایسه نکرده است." in (await member.get("/citizens-order")).text
    async with console.client() as anonymous:
        refused = await anonymous.get("/citizens-order")
        assert refused.status_code == 401 and "/console" in refused.text
    facilitator = await client_as(("facilitator", console.context.plan.working_groups[0].code))
    assert (await facilitator.get("/citizens-order")).status_code == 403
