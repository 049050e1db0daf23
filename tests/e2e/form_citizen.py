"""A simulated citizen answering any XLSForm survey through the chat.

The citizen keeps its own copy of the engine's state (a mirror): it knows which question the
bot must ask next, checks that the bot asks it, picks an answer the form accepts (see
``tests.data.xlsforms.answering``) and gives it the way a person would: pressing the button
that shows it, typing it, sharing a location with the location button, or sending a file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from backend.surveys.engine import (
    ChoiceSources,
    Step,
    SurveyState,
    Valid,
    current_step,
    filled_text,
    next_question,
    prune,
    validate,
)
from backend.surveys.model import FILE_TYPES, Question, QuestionType, SurveyDefinition
from bot.i18n import t
from bot.surveys.render import options
from sandbox.emulator.users import SimulatedUser
from tests.data.xlsforms.answering import MASHHAD, candidates

PHOTO = b"\xff\xd8\xff\xe0" + b"JFIF-photo-of-a-broken-lamp" * 40 + b"\xff\xd9"
VOICE = b"OggS" + b"voice-note" * 50
DOCUMENT = b"%PDF-1.4\n" + b"permit" * 60


@dataclass
class Sent:
    """What the citizen sent for each file question (its bytes), to check the stored file."""

    files: dict[str, bytes] = field(default_factory=dict)


def _has_button(message: dict[str, Any], text: str) -> bool:
    rows = (message.get("reply_markup") or {}).get("inline_keyboard") or []
    return any(button["text"] == text for row in rows for button in row)


def _chosen(question: Question, state: SurveyState, sources: ChoiceSources, instances: int) -> tuple[Any, Any]:
    """(the reply the citizen gives, the engine's result for it): the first candidate accepted."""
    for raw in candidates(question, state, sources, instances):
        result = validate(question, raw, state, "en", sources)
        if isinstance(result, Valid):
            return raw, result
    raise AssertionError(f"{question.name}: no candidate is accepted")


async def _give(
    user: SimulatedUser, question: Question, state: SurveyState, sources: ChoiceSources, lang: str, raw: Any, sent: Sent
) -> None:
    """Give ``raw`` as a person would: a button, typed text, a shared location or a file."""
    if question.type is QuestionType.GEOPOINT and current_step(question, state) is Step.ANSWER:
        await user.share_location(
            MASHHAD["latitude"],
            MASHHAD["longitude"],
            accuracy=MASHHAD["horizontal_accuracy"],
            button=t("surveys.location_button", lang),
        )
        return
    if question.type in FILE_TYPES:
        data = {"photo": PHOTO, "voice": VOICE}.get(raw["kind"], DOCUMENT)
        sent.files[question.name] = data
        upload = {"photo": user.upload_photo, "voice": user.upload_voice}.get(raw["kind"])
        await (upload(data) if upload else user.upload_document(data, "permit.pdf", "application/pdf"))
        return
    shown = {option.raw: option.label for option in options(question, state, sources, lang)}
    if isinstance(raw, list):  # select_multiple: tick each, then save
        for name in raw:
            await user.press("◻️ " + shown[name])
            await user.wait_for_message(predicate=lambda m, label=shown[name]: _has_button(m, f"✅ {label}"))
        await user.press(t("surveys.done_button", lang))
    elif raw in shown:
        await user.press(shown[raw])
    else:
        await user.send(raw)


async def answer_survey(
    user: SimulatedUser, defn: SurveyDefinition, sources: ChoiceSources, lang: str, instances: int = 2
) -> tuple[SurveyState, Sent]:
    """Answer every question the bot asks (checking it asks what the engine says), then submit;
    returns the mirror state and the files sent."""
    state, sent = prune(defn, SurveyState(), sources), Sent()
    for _ in range(300):
        question = next_question(defn, state, sources)
        if question is None:
            break
        asked = filled_text(question.label, question, state, lang)
        await user.wait_for_message(contains=asked, timeout=10)
        if question.type is QuestionType.NOTE:  # shown and passed by the bot
            state = prune(defn, state.skip(question.name), sources)
            continue
        raw, result = _chosen(question, state, sources, instances)
        await _give(user, question, state, sources, lang, raw, sent)
        state = prune(defn, state.answer(question.name, result.value), sources)
    else:
        raise AssertionError("the survey did not end")
    await user.wait_for_message(
        contains=t("surveys.review_title", lang).split("</b>")[0].removeprefix("<b>"), timeout=10
    )
    await user.press(t("surveys.submit_button", lang))
    await user.wait_for_message(contains=t("surveys.thanks", lang).splitlines()[0], timeout=10)
    return state, sent
