"""A citizen who answers the bundled survey through whatever the bot shows, bot deaths included.

The citizen reads the latest question and answers it with the answer they have in mind. With no
answer from the bot they press the same button again, as people do; with still none (or after a
typed answer) they send /start and continue from what the bot shows. So they never answer a question
they have not seen, and what they meant to answer is what must be stored.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

from backend.plan import Plan, load_plan
from backend.text import to_persian_digits
from sandbox.emulator import EmulatorError
from sandbox.emulator.users import Message, SimulatedUser
from tests.faults.harness import BotProcess, reply

SURVEY = "نظرسنجی شهروندان دربارهٔ برنامهٔ میان‌مدت مشهد"
AGES = [
    ("۱۸ تا ۲۹ سال", "age_18_29"),
    ("۳۰ تا ۴۴ سال", "age_30_44"),
    ("۴۵ تا ۵۹ سال", "age_45_59"),
    ("۶۰ سال و بیشتر", "age_60_plus"),
]
DONE = ("سپاس!", "پیش‌تر کامل کرده‌اید")
RANKING = "ترتیب اهمیت"
MAX_ACTIONS = 120
plan: Callable[[], Plan] = cache(load_plan)


@dataclass(frozen=True)
class Action:
    """Press the button ``label`` of ``message_id``, or (no message id) send ``label`` as text."""

    label: str
    message_id: int | None = None


def _buttons(message: Message) -> list[str]:
    rows = (message.get("reply_markup") or {}).get("inline_keyboard") or []
    return [button["text"] for row in rows for button in row]


@dataclass(frozen=True)
class Citizen:
    """What citizen number ``n`` means to answer; ``stored()`` is how the database must hold it."""

    n: int
    user_id: int

    @property
    def district(self) -> tuple[str, str]:
        districts = plan().districts
        district = districts[self.n % len(districts)]
        return district.name("fa"), district.code

    @property
    def age(self) -> tuple[str, str]:
        return AGES[self.n % len(AGES)]

    @property
    def ranking(self) -> list[tuple[str, str]]:
        axes = [(axis.name("fa"), axis.code) for axis in plan().axes]
        shift = self.n % len(axes)
        return axes[shift:] + axes[:shift]

    @property
    def rating(self) -> int:
        return self.n % 5 + 1

    @property
    def problem(self) -> str:
        return f"پیاده‌روهای محله شماره {to_persian_digits(str(self.n))} شکسته و ناامن است"

    @property
    def suggestion(self) -> str:
        return f"پیشنهاد شهروند {to_persian_digits(str(self.n))}: بازسازی پیاده‌روها"

    def stored(self) -> dict[str, Any]:
        """Question name → the answer's value, as the survey stores it."""
        ranking = [code for _, code in self.ranking]
        rates = {f"rate_{code}": self.rating for code in ranking}
        return {
            "district": self.district[1],
            "age_band": self.age[1],
            "axes_priority": ranking,
            **rates,
            "neighbourhood_problem": {"text": self.problem, "axis": self.ranking[0][1]},
            "suggestion": self.suggestion,
        }

    def action(self, message: Message) -> Action | None:
        """What to do about the bot's ``message``; None when the survey is done (thanked or "already")."""
        text, buttons, at = message.get("text") or "", _buttons(message), message["message_id"]
        if any(done in text for done in DONE):
            return None
        for fragment, label in self._presses(text, buttons):
            if fragment in text and label is not None:
                return Action(label, at)
        if "مسئله را در یکی دو جمله" in text:
            return Action(self.problem)
        if "چه پیشنهادی" in text:
            return Action(self.suggestion)
        raise AssertionError(f"citizen {self.n} does not know what to do with {text!r} {buttons}")

    def _presses(self, text: str, buttons: list[str]) -> list[tuple[str, str | None]]:
        survey = next((b for b in buttons if SURVEY in b), None)
        unranked = next((label for label, _ in self.ranking if label in buttons), None)
        return [
            ("مرور پاسخ‌ها", "ارسال نهایی ✅"),
            ("پیش از شروع", "موافقم، ادامه"),
            ("ساکن کدام منطقه", self.district[0]),
            ("پرسشنامه‌های باز", survey),
            ("در کدام منطقهٔ شهرداری", self.district[0]),
            ("سن شما", self.age[0]),
            (RANKING, unranked),
            ("ارزیابی می‌کنید", to_persian_digits(str(self.rating))),
            ("به کدام محور مربوط", self.ranking[0][0]),
        ]

    def knows(self, message: Message) -> bool:
        """Whether ``message`` is one the citizen acts on (a step of the survey or of joining)."""
        try:
            self.action(message)
        except AssertionError:
            return False
        return True


async def _act(user: SimulatedUser, action: Action) -> bool:
    """Do it; False if the button is gone (the bot changed that message meanwhile)."""
    if action.message_id is None:
        await user.send(action.label)
        return True
    try:
        await user.press(action.label, message_id=action.message_id)
    except EmulatorError:
        return False
    return True


async def answer_survey(user: SimulatedUser, bot: BotProcess, citizen: Citizen) -> int:
    """Join and answer the whole survey however often the bot dies; the number of times the citizen got
    no answer and acted again."""
    await user.start()
    shown = await reply(user, bot, predicate=citizen.knows)
    unanswered = 0
    for _ in range(MAX_ACTIONS):
        if shown is None:  # nothing came back: /start shows where the survey stands
            unanswered += 1
            await user.start()
            shown = await reply(user, bot, predicate=citizen.knows)
            continue
        action = citizen.action(shown)
        if action is None:
            return unanswered
        again = action.message_id is not None
        shown = await reply(user, bot, predicate=citizen.knows) if await _act(user, action) else None
        if shown is None and again and await _act(user, action):
            unanswered += 1  # the same button once more
            shown = await reply(user, bot, predicate=citizen.knows)
    raise AssertionError(f"citizen {citizen.n} did not finish in {MAX_ACTIONS} actions")


async def answer_until(user: SimulatedUser, bot: BotProcess, citizen: Citizen, fragment: str) -> Message:
    """Join and answer (the bot staying up) until a question containing ``fragment`` is shown; that question."""
    await user.start()
    shown = await reply(user, bot, predicate=citizen.knows)
    while shown is not None and fragment not in shown["text"]:
        action = citizen.action(shown)
        assert action is not None and action.message_id is not None, shown["text"]
        await user.press(action.label, message_id=action.message_id)
        shown = await reply(user, bot, predicate=citizen.knows)
    assert shown is not None, f"no question containing {fragment!r}: {bot.last_lines(5)}"
    return shown
