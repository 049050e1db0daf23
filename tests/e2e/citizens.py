"""Steps every Persian-speaking citizen takes first, shared by the end-to-end tests."""

from __future__ import annotations

from bot.emulator.users import SimulatedUser

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


async def consent_in_english(user: SimulatedUser, payload: str | None = None) -> None:
    """/start, switch to English and agree; the bot then asks for the district."""
    await user.start(payload)
    await user.wait_for_message(contains="پیش از شروع")
    await user.press("English")
    await user.wait_for_message(contains="Before we start")
    await user.press("I agree, continue")
    await user.wait_for_message(contains="Which district")
