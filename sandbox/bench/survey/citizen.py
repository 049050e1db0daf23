"""A scripted citizen: the bundled survey answered in Persian with varied answers, every step timed.

The script is written from the survey definition, the plan and the locale files, so it follows
what the bot really shows: consent, the profile's district, the list of open surveys, then one
or more steps per question (a ranking takes one pick per place, a problem its text and its
axis), the review and the submit button. Any ``UserConversation`` plays it: in the benchmark a ``LocalUser``
acting in the emulator's process, in the demo a ``SimulatedUser`` over HTTP.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from random import Random
from typing import Any

from backend.plan import Plan, load_plan
from backend.services.surveys import load_definition
from backend.surveys import bundled_surveys
from backend.surveys.model import Question, QuestionType, SurveyDefinition, localize
from backend.text import to_persian_digits
from bot.i18n import t
from sandbox.emulator.users import Message, UserConversation

LANG = "fa"
SURVEY_CODE = "mashhad_citizen"
Expect = Callable[[Message], bool]
SKIP_RATE, TYPED_RATE = 0.2, 0.2  # how often an optional question is skipped, a rating typed

PROBLEMS = (
    "ترافیک سنگین بلوار وكيل‌آباد در ساعات اوج",  # Arabic kaf and yeh, normalized at intake
    "کمبود پارک و فضای سبز برای کودکان در محله",
    "جمع‌آوری نشدن به‌موقع زباله در کوچه‌های ما",
    "نبود پیاده‌روی مناسب برای سالمندان و ویلچر",
    "آب‌گرفتگی خیابان‌ها بعد از هر بارش باران",
    "کمبود ایستگاه اتوبوس در خیابان ۱۷ شهریور",
    "روشنایی ناکافی کوچه‌ها در شب و ناامنی",
    "صف طولانی برای گرفتن مجوز ساخت در منطقه 5",
)
SUGGESTIONS = (
    "مترو را تا انتهای وکیل‌آباد ادامه دهید",
    "زمین‌های بایر محله را به پارک تبدیل کنید",
    "سامانهٔ شهرمن برای گزارش زباله فعال‌تر شود",
    "پیاده‌روها را هموار و بدون پله بسازید",
)


def says(fragment: str) -> Expect:
    """A message whose text contains ``fragment``."""
    return lambda message: fragment in (message.get("text") or "")


def offers(label: str) -> Expect:
    """A message with an inline button labelled ``label``."""

    def check(message: Message) -> bool:
        rows = (message.get("reply_markup") or {}).get("inline_keyboard") or []
        return any(button.get("text") == label for row in rows for button in row)

    return check


@dataclass(frozen=True)
class Step:
    """One user action, what the bot must show before it, and whether it answers a survey question."""

    action: str  # "start", "press" or "send"
    text: str
    prompt: Expect
    answer: bool


@dataclass(frozen=True)
class Script:
    """Everything one citizen will do, and the answers the database must hold afterwards."""

    steps: list[Step]
    done: Expect
    expected: dict[str, Any]  # question name -> stored JSON value; None for a skipped question


@dataclass(frozen=True)
class SurveyView:
    """The bundled survey with the plan's choices, as a Persian-speaking citizen sees them."""

    definition: SurveyDefinition
    plan: Plan

    def choices(self, question: Question) -> dict[str, str]:
        """Choice name -> button label, from the survey or the plan."""
        if question.choice_source == "district":
            return {d.code: d.name(LANG) for d in self.plan.districts}
        if question.choice_source == "axis":
            return {a.code: a.name(LANG) for a in self.plan.axes}
        return {c.name: localize(c.label, LANG) for c in question.choices}


@cache
def bundled_survey() -> SurveyView:
    """The bundled citizen survey and the bundled plan (read once)."""
    path = next(p for p in bundled_surveys() if p.stem == SURVEY_CODE)
    return SurveyView(load_definition(path), load_plan())


@dataclass
class _Writer:
    survey: SurveyView
    rng: Random
    steps: list[Step] = field(default_factory=list)
    expected: dict[str, Any] = field(default_factory=dict)

    def act(self, action: str, text: str, prompt: Expect, *, answer: bool = True) -> None:
        self.steps.append(Step(action, text, prompt, answer))

    def question(self, q: Question) -> None:
        if q.type is QuestionType.NOTE:
            return
        label, choices = says(localize(q.label, LANG)), self.survey.choices(q)
        if q.type in (QuestionType.DISTRICT, QuestionType.SELECT_ONE):
            name = self.rng.choice(list(choices))
            self.act("press", choices[name], label)
            self.expected[q.name] = name
        elif q.type is QuestionType.AXES_RANK:
            order = self.rng.sample(list(choices), len(choices))
            for name in order[:-1]:  # the last place is filled by itself
                self.act("press", choices[name], label)
            self.expected[q.name] = order
        elif q.type is QuestionType.RANGE:
            value = int(self.rng.choice(q.range_values()))
            shown = to_persian_digits(str(value))
            if self.rng.random() < TYPED_RATE:  # typed in Latin or Persian digits instead of pressed
                self._optional(q, label, "send", self.rng.choice((str(value), shown)), value)
            else:
                self._optional(q, label, "press", shown, value)
        elif q.type is QuestionType.PROBLEM:
            text, axis = self.rng.choice(PROBLEMS), self.rng.choice(list(choices))
            self.act("send", text, label)
            self.act("press", choices[axis], says(t("surveys.hint.problem_axis", LANG)))
            self.expected[q.name] = {"text": text, "axis": axis}
        elif q.type is QuestionType.TEXT:
            suggestion = self.rng.choice(SUGGESTIONS)
            self._optional(q, label, "send", suggestion, suggestion)
        else:
            raise ValueError(f"the scripted citizen cannot answer a {q.type} question ({q.name})")

    def _optional(self, q: Question, label: Expect, action: str, text: str, value: Any) -> None:
        """Reply with ``text`` (stored as ``value``), or now and then skip a question that allows it."""
        if not q.required and self.rng.random() < SKIP_RATE:
            action, text, value = "press", t("surveys.skip_button", LANG), None
        self.act(action, text, label)
        self.expected[q.name] = value


def write_script(survey: SurveyView, rng: Random) -> Script:
    """A random but valid way through onboarding and the whole survey, ending with the submit."""
    writer = _Writer(survey, rng)
    district = rng.choice(survey.plan.districts).name(LANG)
    title = localize(survey.definition.title, LANG)
    agree = t("consent.agree", LANG)
    writer.act("start", "", lambda _: True, answer=False)
    writer.act("press", agree, offers(agree), answer=False)
    writer.act("press", district, offers(district), answer=False)
    writer.act("press", title, offers(title), answer=False)
    for question in survey.definition.questions:
        writer.question(question)
    submit = t("surveys.submit_button", LANG)
    writer.act("press", submit, offers(submit), answer=False)
    thanks = t("surveys.thanks", LANG).splitlines()[0]
    return Script(writer.steps, says(thanks), writer.expected)


@dataclass
class Run:
    """What happened to one citizen: seconds from each action to the bot's next message, and any error."""

    user_id: int
    script: Script
    latencies: list[float] = field(default_factory=list)
    answers: int = 0
    taken_at: list[float] = field(default_factory=list)  # perf_counter() when the bot took each step
    error: str | None = None
    span: tuple[float, float] = (0.0, 0.0)  # perf_counter() when the citizen began and ended

    def passed(self, step: Step) -> None:
        """The bot took ``step`` (an answer to a question, or not)."""
        self.answers += step.answer
        self.taken_at.append(time.perf_counter())


async def _act(user: UserConversation, step: Step) -> None:
    if step.action == "start":
        await user.start()
    elif step.action == "press":
        await user.press(step.text)
    else:
        await user.send(step.text)


Pause = Callable[[], float]  # seconds to think before the next action


def no_pause() -> float:
    """Act as soon as the bot's reply is there."""
    return 0.0


async def follow(user: UserConversation, script: Script, *, timeout: float = 30.0, pause: Pause = no_pause) -> Run:
    """Play the script; each step waits for the bot to show the next step's prompt (or the thanks),
    then ``pause()`` seconds before the next action (also before the first).

    Latency is timed from the action to the first bot message that follows it.
    """
    run = Run(user.user_id, script)
    prompts = [step.prompt for step in script.steps[1:]] + [script.done]
    for number, (step, prompt) in enumerate(zip(script.steps, prompts, strict=True), start=1):
        if seconds := pause():
            await asyncio.sleep(seconds)
        try:
            began = time.perf_counter()
            await _act(user, step)
            first = await user.wait_for_message(timeout=timeout)
            run.latencies.append(time.perf_counter() - began)
            if not prompt(first):
                await user.wait_for_message(timeout=timeout, predicate=prompt)
        except Exception as exc:  # a citizen's failure is a figure of the benchmark, not its end
            run.error = f"step {number} ({step.action} {step.text!r}): {exc.__class__.__name__}: {exc}"
            break
        run.passed(step)
    return run
