"""The facilitators of ``meydan demo``: they join by invite links and log meetings through the real bot.

Four facilitators (working groups at headquarters and in a district) each log one meeting as a
person would, by commands, typed answers and button presses: an elite interview, a City Council
member's interview, a neighbourhood social council and an NGO forum, whose NGOs join by its link
or an invite and send their feedback themselves. What they say is in ``demo_meetings.yaml``; what
they wait for is the bot's own text from the locale files, so every step waits for the bot to
confirm the one before. Each meeting is closed, and the minutes the bot sends are kept.
"""

from __future__ import annotations

import asyncio
import html
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from string import Formatter
from typing import Any, Literal

import yaml
from aiohttp import ClientSession
from pydantic import BaseModel, Field, TypeAdapter, model_validator
from rich.progress import Progress, TaskID

from backend.context import AppContext
from backend.errors import MeydanError
from backend.jalali import format_date, today_local
from backend.meetings.service import FORUM_SOURCE, SOURCE_GROUPS
from backend.plan import Plan
from backend.services import invites
from bot.i18n import catalog, localize_number, t
from bot.meetings import links
from sandbox.emulator import RunningEmulator
from sandbox.emulator.users import Message, SimulatedUser

SCRIPT = Path(__file__).with_name("demo_meetings.yaml")
LANG = "fa"
FIRST_FACILITATOR = 930_001
FIRST_NGO = 940_001  # the NGOs of facilitator n are FIRST_NGO + 100 n + k
WAIT = 20.0  # seconds to wait for one reply of the bot
_ANY = "\x00"
_TAG = re.compile(r"<[^>]+>")
_FORUM_PAYLOAD = re.compile(rf"{links.FORUM_PREFIX}\d+_[A-Za-z0-9_-]+")


class Statement(BaseModel):
    """A finding the facilitator records: a problem with its axis and severity, or a strategy,
    policy or project answering the meeting's problem number ``problem`` (default: the latest)."""

    kind: Literal["problem", "strategy", "policy", "project"]
    text: str
    axis: str | None = None
    severity: int | None = Field(default=None, ge=1, le=5)
    problem: int | None = Field(default=None, ge=1)


class Ngo(BaseModel):
    """An NGO at a forum: who speaks for which organization, how they join, what they say."""

    organization: str
    speaker: str
    by: Literal["link", "invite"]
    feedback: list[str]


class MeetingScript(BaseModel):
    """One meeting: the setup answers, the notes and findings in order, and a forum's NGOs."""

    source: str
    working_group: str
    axes: list[str]
    days_ago: int = Field(ge=0)
    district: str | None
    groups: list[str]
    attendees: int | None
    organizations: str | None
    notes: list[str]
    mistake: str | None = None  # a note sent by mistake and taken back with /undo
    findings: list[Statement]
    ngos: list[Ngo] = []

    @model_validator(mode="after")
    def _consistent(self) -> MeetingScript:
        problems = 0
        for statement in self.findings:
            if statement.kind == "problem":
                problems += 1
                if statement.axis is None or statement.severity is None:
                    raise ValueError(f"problem {statement.text!r} needs its axis and severity")
            elif problems == 0 or (statement.problem or 0) > problems:
                raise ValueError(f"{statement.kind} {statement.text!r} answers a problem not recorded yet")
        if self.ngos and self.source != FORUM_SOURCE:
            raise ValueError(f"only a {FORUM_SOURCE} meeting has NGOs")
        return self

    @property
    def steps(self) -> int:
        """Confirmed steps, for a progress bar: setup, notes, the undo, findings, feedback, closing."""
        return 2 + len(self.notes) + bool(self.mistake) + len(self.findings) + sum(len(n.feedback) for n in self.ngos)


class FacilitatorScript(BaseModel):
    """A facilitator, the working groups they are invited to and the meeting they log."""

    name: str
    working_groups: list[str]
    meeting: MeetingScript

    @model_validator(mode="after")
    def _invited(self) -> FacilitatorScript:
        if self.meeting.working_group not in self.working_groups:
            raise ValueError(f"{self.name} is not invited to {self.meeting.working_group}")
        return self


@dataclass(frozen=True)
class MeetingsLogged:
    """What the facilitators logged, as the bot confirmed it, and the minutes it sent."""

    facilitators: int
    meetings: int
    notes: int
    findings: int
    feedback: int
    minutes: list[Path]


def load_scripts(plan: Plan, path: Path = SCRIPT) -> list[FacilitatorScript]:
    """The facilitators and their meetings; a MeydanError names what the plan lacks for them."""
    scripts = TypeAdapter(list[FacilitatorScript]).validate_python(yaml.safe_load(path.read_text(encoding="utf-8")))
    for script in scripts:
        meeting = script.meeting
        wanted = [("working_group", code) for code in script.working_groups] + [("source", meeting.source)]
        wanted += [("axis", code) for code in meeting.axes + [s.axis for s in meeting.findings if s.axis]]
        wanted += [("stakeholder_group", code) for code in meeting.groups]
        wanted += [("district", meeting.district)] if meeting.district else []
        missing = sorted({f"{kind} {code}" for kind, code in wanted if plan.get(kind, code) is None})
        if missing:
            raise MeydanError(f"the demo's meetings need {', '.join(missing)} in the plan")
    return scripts


def said(key: str, **params: Any) -> re.Pattern[str]:
    """The first line of the bot's Persian text ``key`` as it reads in the chat (tags dropped), as a
    pattern; placeholders not given in ``params`` match anything."""
    slots = {name for _, name, _, _ in Formatter().parse(catalog(LANG)[key]) if name}
    text = html.unescape(_TAG.sub("", t(key, LANG, **{name: params.get(name, _ANY) for name in slots})))
    line = next(line.strip() for line in text.splitlines() if line.strip())
    return re.compile(".+?".join(re.escape(part) for part in line.split(_ANY)))


class _Person:
    """A simulated user who acts, then waits for the bot's answer before acting again."""

    def __init__(self, user: SimulatedUser) -> None:
        self.user = user

    async def expect(self, key: str, **params: Any) -> Message:
        """The next bot message (or edit) that says the locale text ``key``."""
        pattern = said(key, **params)
        return await self.user.wait_for_message(
            predicate=lambda m: pattern.search(m.get("text") or m.get("caption") or "") is not None, timeout=WAIT
        )

    async def redrawn(self, message: Message) -> Message:
        """``message`` once the bot has edited it (after a press on one of its buttons)."""
        return await self.user.wait_for_message(
            predicate=lambda m: m["message_id"] == message["message_id"], timeout=WAIT
        )

    async def tap(self, message: Message, label: str, *, matches: Callable[[str], bool] | None = None) -> None:
        """Press the button of ``message`` labelled ``label`` (a tick before it aside)."""
        fits = matches or (lambda text: text == label or text.endswith(f" {label}"))
        rows = (message.get("reply_markup") or {}).get("inline_keyboard", [])
        button = next((b for row in rows for b in row if fits(b["text"])), None)
        if button is None:
            raise MeydanError(f"the bot showed no button {label!r} on {message.get('text', '')[:40]!r}")
        await self.user.press(data=button["callback_data"], message_id=message["message_id"])


@dataclass
class _Tally:
    notes: int = 0
    findings: int = 0
    feedback: int = 0
    minutes: Path | None = None


class _Facilitator(_Person):
    """One facilitator logging their meeting, advancing its progress task at each confirmation."""

    def __init__(
        self,
        emu: RunningEmulator,
        token: str,
        app: AppContext,
        number: int,
        script: FacilitatorScript,
        progress: Progress,
        http: ClientSession,
    ) -> None:
        super().__init__(emu.user(token, FIRST_FACILITATOR + number, script.name, language_code=LANG))
        self.emu, self.token, self.app, self.number, self.script = emu, token, app, number, script
        self.progress, self.http = progress, http
        meeting = script.meeting
        self.task: TaskID = progress.add_task(f"{meeting.source} ({meeting.working_group})", total=meeting.steps)
        self.tally = _Tally()
        self.problems = 0  # the meeting's live problems, as the bot numbers them

    def name(self, kind: str, code: str) -> str:
        return self.app.plan.get(kind, code).name(LANG)  # type: ignore[union-attr]

    def step(self) -> None:
        self.progress.advance(self.task)

    async def log(self) -> _Tally:
        """Join, set the meeting up, log it (with the forum's NGOs) and close it."""
        meeting = self.script.meeting
        for group in self.script.working_groups:
            await self.user.start(links.INVITE_PREFIX + await _invite(self.app, "facilitator", group))
            await self.expect("invites.welcome.facilitator", scope=self.name("working_group", group))
        opened = await self.set_up(meeting)
        self.step()
        if meeting.ngos:
            await self.hold_forum(opened, meeting.ngos)
        for note in meeting.notes:
            await self.note(note)
        if meeting.mistake:
            await self.user.send(meeting.mistake)
            await self.expect("meetings.noted", kind=t("meetings.kind.text", LANG))
            await self.user.send("/undo")
            await self.expect("meetings.undone", kind=t("meetings.kind.text", LANG))
            self.step()
        before = self.problems  # in a forum each NGO's feedback is a problem of the meeting too
        for statement in meeting.findings:
            await self.record(statement, before)
        self.tally.minutes = await self.close("forums" if meeting.source == FORUM_SOURCE else "meetings")
        return self.tally

    async def set_up(self, meeting: MeetingScript) -> Message:
        """Answer the setup questions of /meeting (or /forum); the message that it is open."""
        forum = meeting.source == FORUM_SOURCE
        if forum:
            await self.user.send("/forum")
        else:
            await self.user.send("/meeting")
            await self.tap(await self.expect("meetings.ask.source"), self.name("source", meeting.source))
        await self.tap(
            await self.expect("meetings.ask.working_group"), self.name("working_group", meeting.working_group)
        )
        group = self.app.plan.get("working_group", meeting.working_group)
        await self.tick(await self.expect("meetings.ask.axes"), "axis", [group.axis], meeting.axes)  # type: ignore[union-attr]
        await self.expect("meetings.ask.date")
        held_on = today_local(self.app.zone) - timedelta(days=meeting.days_ago)
        await self.user.send(format_date(held_on, LANG))
        district = await self.kept(
            await self.expect("meetings.ask.district"),
            [group.unit] if group.level == "district" else [],  # type: ignore[union-attr]
            [meeting.district] if meeting.district else [],
        )
        if district is not None:
            await self.tap(
                district,
                self.name("district", meeting.district) if meeting.district else t("meetings.citywide_button", LANG),
            )
        usual = [g for g in [SOURCE_GROUPS.get(meeting.source)] if g and self.app.plan.get("stakeholder_group", g)]
        await self.tick(await self.expect("meetings.ask.groups"), "stakeholder_group", usual, meeting.groups)
        await self.answer(
            await self.expect("meetings.ask.attendees"),
            None if meeting.attendees is None else localize_number(meeting.attendees, LANG),
        )
        await self.answer(await self.expect("meetings.ask.organizations"), meeting.organizations)
        return await self.expect("forums.opened" if forum else "meetings.opened")

    async def kept(self, question: Message, preselected: list[str], wanted: list[str]) -> Message | None:
        """Keep a pre-selected answer that is the one wanted (None), or ask to change it: the question
        with every option."""
        if preselected and sorted(preselected) == sorted(wanted):
            await self.tap(question, t("meetings.keep_button", LANG))
            return None
        if preselected:
            await self.tap(question, t("meetings.change_button", LANG))
            return await self.redrawn(question)
        return question

    async def tick(self, question: Message, kind: str, preselected: list[str], wanted: list[str]) -> None:
        """Keep the pre-selected options if they are ``wanted``, else tick ``wanted`` afresh and confirm."""
        listed = await self.kept(question, preselected, wanted)
        if listed is None:
            return
        for code in wanted:
            await self.tap(listed, self.name(kind, code))
            listed = await self.redrawn(listed)
        await self.tap(listed, t("meetings.done_button", LANG))

    async def answer(self, question: Message, typed: str | None) -> None:
        """Type the answer, or press "skip" when there is none."""
        if typed is None:
            await self.tap(question, t("meetings.skip_button", LANG))
        else:
            await self.user.send(typed)

    async def note(self, text: str) -> None:
        await self.user.send(text)
        await self.expect("meetings.noted", kind=t("meetings.kind.text", LANG))
        self.tally.notes += 1
        self.step()

    async def record(self, statement: Statement, before: int) -> None:
        """/problem with its axis and severity, or /strategy, /policy, /project linked to its problem
        (the script numbers the facilitator's own problems, after the ``before`` the meeting had)."""
        if statement.kind == "problem":
            await self.user.send(f"/problem {statement.text}")
            saved = await self.expect("meetings.problem_saved", number=self.problems + 1)
            axis = self.name("axis", statement.axis)  # type: ignore[arg-type]
            await self.tap(saved, axis)
            severity = await self.expect("meetings.ask_severity", axis=axis)
            await self.tap(severity, t("meetings.severity_button", LANG, value=statement.severity))
            await self.expect("meetings.problem_done", axis=axis, severity=statement.severity)
            self.problems += 1
        else:
            await self.user.send(f"/{statement.kind} {statement.text}")
            linked = await self.expect(
                "meetings.linked", kind=t(f"meetings.kind.{statement.kind}", LANG), number=self.problems
            )
            if statement.problem is not None and before + statement.problem != self.problems:
                number = t("meetings.problem_button", LANG, number=before + statement.problem, text="")
                await self.tap(linked, number, matches=lambda text: text.startswith(number))
                await self.redrawn(linked)
        self.tally.findings += 1
        self.step()

    async def hold_forum(self, opened: Message, ngos: list[Ngo]) -> None:
        """Hand the forum's link (or an invite) to each NGO; they speak at once; the facilitator
        sees each feedback counted."""
        found = _FORUM_PAYLOAD.search(opened.get("text", ""))
        payload = found[0] if found else ""
        parsed = links.parse_forum_payload(payload) if found else None
        if parsed is None:
            raise MeydanError("the bot's forum message has no join link")
        entries = [
            payload if ngo.by == "link" else links.INVITE_PREFIX + await _invite(self.app, "ngo", str(parsed[0]))
            for ngo in ngos
        ]
        await asyncio.gather(
            *(
                _speak(
                    _Person(
                        self.emu.user(self.token, FIRST_NGO + 100 * self.number + k, ngo.speaker, language_code=LANG)
                    ),
                    entry,
                    ngo,
                )
                for k, (ngo, entry) in enumerate(zip(ngos, entries, strict=True))
            )
        )
        for _ in range(sum(len(ngo.feedback) for ngo in ngos)):
            await self.expect("forums.count")
            self.tally.feedback += 1
            self.problems += 1
            self.step()

    async def close(self, kind: str) -> Path:
        """/close, confirm, and keep the minutes the bot sends; ``kind``: meetings or forums."""
        await self.user.send("/close")
        await self.tap(await self.expect(f"{kind}.summary"), t("meetings.close_confirm", LANG))
        document = (await self.expect(f"{kind}.minutes"))["document"]
        path = await _download(
            self.http, self.emu.base_url, self.token, document, self.app.settings.data_dir / "minutes"
        )
        self.step()
        return path


async def _speak(ngo: _Person, entry: str, script: Ngo) -> None:
    """An NGO opens the forum's link (or its invite), names its organization and sends its feedback."""
    await ngo.user.start(entry)
    await ngo.expect("forums.ask_organization")
    await ngo.user.send(script.organization)
    await ngo.expect("forums.send_feedback", organization=script.organization)
    for text in script.feedback:
        await ngo.user.send(text)
        await ngo.expect("forums.received")


async def _invite(app: AppContext, role: str, scope: str) -> str:
    """A one-time invite token, as ``meydan invite`` makes it."""
    async with app.sessions() as session, session.begin():
        return await invites.create(session, app.secret, app.plan, role, scope)


async def _download(http: ClientSession, base_url: str, token: str, document: dict[str, Any], folder: Path) -> Path:
    """Fetch a document the bot sent through getFile, as any Bot API client does; where it was saved."""
    async with http.get(f"{base_url}/bot{token}/getFile", params={"file_id": document["file_id"]}) as resp:
        file_path = (await resp.json())["result"]["file_path"]
    async with http.get(f"{base_url}/file/bot{token}/{file_path}") as resp:
        resp.raise_for_status()
        content = await resp.read()
    folder.mkdir(parents=True, exist_ok=True)
    saved = folder / Path(document["file_name"]).name
    saved.write_bytes(content)
    return saved


async def log_meetings(emu: RunningEmulator, token: str, app: AppContext, progress: Progress) -> MeetingsLogged:
    """The facilitators of ``demo_meetings.yaml`` join by invite and log their meetings at once through
    the bot of ``token`` (polling ``emu``); a progress task per meeting. The minutes are saved under
    ``<data dir>/minutes``."""
    scripts = load_scripts(app.plan)
    async with ClientSession() as http:
        facilitators = [_Facilitator(emu, token, app, n, script, progress, http) for n, script in enumerate(scripts)]
        tallies = await asyncio.gather(*(f.log() for f in facilitators))
    return MeetingsLogged(
        facilitators=len(scripts),
        meetings=len(tallies),
        notes=sum(x.notes for x in tallies),
        findings=sum(x.findings for x in tallies),
        feedback=sum(x.feedback for x in tallies),
        minutes=[x.minutes for x in tallies if x.minutes is not None],
    )
