"""Steps every Persian-speaking citizen takes first, shared by the end-to-end tests."""

from __future__ import annotations

from sandbox.emulator.users import SimulatedUser

SURVEY = "نظرسنجی شهروندان دربارهٔ برنامهٔ میان‌مدت مشهد"


async def consent(user: SimulatedUser, payload: str | None = None) -> None:
    """/start and agree to the privacy notice; the bot then asks for the district."""
    await user.start(payload)
    await user.wait_for_message(contains="پیش از شروع")
    await user.press("موافقم، ادامه")
    await user.wait_for_message(contains="کدام منطقه")


async def join(user: SimulatedUser, district: str = "منطقه ۲") -> None:
    """Consent and give the district; the bot then lists the open surveys."""
    await consent(user)
    await user.press(district)
    await user.wait_for_message(contains="پرسشنامه‌های باز")


async def to_the_problem(user: SimulatedUser) -> None:
    """Open the citizens' survey and answer it up to the neighbourhood problem, whose text is asked next
    (district 9, age 30-44, a ranking, ratings 2, 3, 4, 3, one skipped and 4 typed)."""
    await user.press(SURVEY)
    await user.wait_for_message(contains="در کدام منطقهٔ شهرداری")
    await user.press("منطقه ۹")
    await user.wait_for_message(contains="سن شما")
    await user.press("۳۰ تا ۴۴ سال")
    await user.wait_for_message(contains="ترتیب اهمیت")
    for axis in (
        "حمل‌ونقل و ترافیک",
        "خدمات شهری و ایمنی",
        "اقتصاد و مالیه شهری",
        "اجتماعی و فرهنگی",
        "توسعه کالبدی و محیط زیست",
    ):
        await user.press(axis)
        await user.wait_for_message(contains="ترتیب اهمیت" if axis != "توسعه کالبدی و محیط زیست" else "حکمرانی")
    for rating in ("۲", "۳", "۴", "۳"):
        await user.press(rating)
        await user.wait_for_message()
    await user.press("رد کردن ⏭")  # rate_transport is optional
    await user.wait_for_message()
    await user.send("۴")  # typed digits work as well as buttons
    await user.wait_for_message(contains="مسئله")


async def consent_in_english(user: SimulatedUser, payload: str | None = None) -> None:
    """/start, switch to English and agree; the bot then asks for the district."""
    await user.start(payload)
    await user.wait_for_message(contains="پیش از شروع")
    await user.press("English")
    await user.wait_for_message(contains="Before we start")
    await user.press("I agree, continue")
    await user.wait_for_message(contains="Which district")
