"""Survey questions, options and the review as messenger text and inline keyboards."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup, KeyboardButton, ReplyKeyboardMarkup

from backend.locales import localize_digits
from backend.surveys.answering import picked
from backend.surveys.engine import (
    ChoiceSources,
    Step,
    SurveyState,
    asked_questions,
    current_step,
    filled_text,
    review,
    visible_choices,
)
from backend.surveys.model import FILE_TYPES, OTHER_CHOICE, Question, QuestionType, SurveyDefinition, localize
from backend.surveys.validation import ACKNOWLEDGED
from bot.i18n import localize_number, t
from bot.surveys.callbacks import Done, Edit, Nav, Pick, Submit, Toggle

CHOICE_TYPES = {
    QuestionType.SELECT_ONE,
    QuestionType.DISTRICT,
    QuestionType.AXIS,
    QuestionType.RANK,
    QuestionType.AXES_RANK,
}
DEFAULT_TYPES = {QuestionType.TEXT, QuestionType.INTEGER, QuestionType.DECIMAL, QuestionType.DATE, QuestionType.TIME}


@dataclass(frozen=True)
class Option:
    """One button: what it shows and the raw reply it stands for."""

    label: str
    raw: str


def options(question: Question, state: SurveyState, sources: ChoiceSources, lang: str) -> list[Option]:
    """The buttons of the question's current step, in order (a press's index points here)."""
    step = current_step(question, state)
    if step is Step.CONFIRM_DISTRICT:
        return _district_options(state.answers[question.name]["district_proposed"], sources, lang)
    if question.type is QuestionType.REPEAT_MORE:
        return [Option(t("surveys.repeat_add", lang), "yes"), Option(t("surveys.repeat_done", lang), "no")]
    if question.default and question.type in DEFAULT_TYPES:  # the form's default, one press away
        return [Option(question.default, question.default)]
    if question.type is QuestionType.RANGE:
        return [Option(localize_digits(v, lang), str(v)) for v in question.range_values()]
    if question.type is QuestionType.ACKNOWLEDGE:
        return [Option(t("surveys.ok_button", lang), ACKNOWLEDGED)]
    if question.type in CHOICE_TYPES or question.type is QuestionType.SELECT_MULTIPLE or step is Step.PROBLEM_AXIS:
        return [
            Option(choice_label(question, c.name, c.label, lang), c.name)
            for c in visible_choices(question, state, sources)
        ]
    return []


def choice_label(question: Question, name: str, label: dict[str, str], lang: str) -> str:
    """A choice's label in ``lang``; or_other's "other" in our words (pyxform writes it in English only)."""
    return t("surveys.other_button", lang) if question.or_other and name == OTHER_CHOICE else localize(label, lang)


def _district_options(proposed: str, sources: ChoiceSources, lang: str) -> list[Option]:
    """The district a shared point falls in, to confirm, then the others to correct it."""
    labels = {c.name: localize(c.label, lang) for c in sources.get("district", ())}
    confirm = Option(t("surveys.district_confirm", lang, district=labels.get(proposed, proposed)), proposed)
    return [confirm, *(Option(label, name) for name, label in labels.items() if name != proposed)]


_STEP_HINTS = {
    Step.PROBLEM_TEXT: "problem_text",
    Step.PROBLEM_AXIS: "problem_axis",
    Step.RANK_PICK: "rank",
    Step.CONFIRM_DISTRICT: "confirm_district",
}


def _hint_key(question: Question, state: SurveyState) -> str:
    step = current_step(question, state)
    if step in _STEP_HINTS:
        return _STEP_HINTS[step]
    if question.other_of is not None:
        return "other"
    if question.type in (QuestionType.DISTRICT, QuestionType.AXIS):
        return "select_one"
    return question.type.value


def _hint_values(question: Question, state: SurveyState, sources: ChoiceSources, lang: str) -> dict[str, object]:
    """What the hint's placeholders stand for: the place being ranked, instances so far, the proposed district."""
    value = state.answers.get(question.name)
    proposed = value.get("district_proposed") if isinstance(value, dict) else None
    labels = {c.name: localize(c.label, lang) for c in sources.get("district", ())} if proposed else {}
    number = question.instance if question.type is QuestionType.REPEAT_MORE else picked(question, state) + 1
    district = labels.get(proposed, proposed) if isinstance(proposed, str) else proposed
    return {"number": localize_number(number or 0, lang), "district": district}


def question_text(
    question: Question, number: int, state: SurveyState, lang: str, sources: ChoiceSources, heading: str | None = None
) -> str:
    """The question's label (its ``${q}`` filled in), hint and what kind of reply it expects;
    ``heading`` names the repeat instance it belongs to."""
    lines = [f"<i>{t('surveys.progress', lang, number=number)}</i>"]
    if heading:
        lines.append(f"<i>{escape(heading)}</i>")
    lines.append(f"<b>{escape(filled_text(question.label, question, state, lang))}</b>")
    if question.hint:
        lines.append(escape(filled_text(question.hint, question, state, lang)))
    if question.type is not QuestionType.NOTE:
        hint = t("surveys.hint." + _hint_key(question, state), lang, **_hint_values(question, state, sources, lang))
        lines.append(f"<i>{hint}</i>")
    return "\n".join(lines)


def location_keyboard(lang: str) -> ReplyKeyboardMarkup:
    """The reply keyboard of a geopoint question: one button that shares the citizen's location."""
    button = KeyboardButton(text=t("surveys.location_button", lang), request_location=True)
    return ReplyKeyboardMarkup(keyboard=[[button]], resize_keyboard=True, one_time_keyboard=True)


def _per_row(labels: list[str]) -> int:
    longest = max((len(label) for label in labels), default=0)
    return 5 if longest <= 3 else 2 if longest <= 18 else 1


def button_rows(buttons: list[InlineKeyboardButton], per_row: int) -> list[list[InlineKeyboardButton]]:
    """The buttons in rows of ``per_row`` (the last row may be shorter).

    Keyboards are built as plain markup: aiogram's ``InlineKeyboardBuilder`` deep-copies every
    button on export, a cost paid on every question shown.
    """
    return [buttons[i : i + per_row] for i in range(0, len(buttons), per_row)]


def tick_mask(opts: list[Option], ticked: frozenset[str]) -> int:
    """The ticked options as bits of an int (bit i: option i), for the buttons' callback data."""
    return sum(1 << i for i, opt in enumerate(opts) if opt.raw in ticked)


def ticked_options(opts: list[Option], mask: int) -> frozenset[str] | None:
    """The options whose bits ``mask`` sets; None if it sets a bit past the last option."""
    if mask >> len(opts):
        return None
    return frozenset(opt.raw for i, opt in enumerate(opts) if mask >> i & 1)


def question_keyboard(
    question: Question,
    index: int,
    response_id: int,
    state: SurveyState,
    sources: ChoiceSources,
    lang: str,
    *,
    ticked: frozenset[str] = frozenset(),
    can_go_back: bool,
) -> InlineKeyboardMarkup | None:
    """Buttons for the current step, then skip/back; None when the reply is typed and there is no nav."""
    opts = options(question, state, sources, lang)
    multiple = question.type is QuestionType.SELECT_MULTIPLE
    buttons: list[InlineKeyboardButton] = []
    places = picked(question, state)
    shown = tick_mask(opts, ticked)
    for i, opt in enumerate(opts):
        if multiple:
            mark = "✅ " if opt.raw in ticked else "◻️ "
            toggle = Toggle(r=response_id, q=index, c=i, m=shown)
            buttons.append(InlineKeyboardButton(text=mark + opt.label, callback_data=toggle.pack()))
        else:
            pick = Pick(r=response_id, q=index, c=i, n=places)
            buttons.append(InlineKeyboardButton(text=opt.label, callback_data=pick.pack()))
    rows = button_rows(buttons, _per_row([o.label for o in opts]))
    if multiple:
        rows.append(
            [
                InlineKeyboardButton(
                    text=t("surveys.done_button", lang), callback_data=Done(r=response_id, q=index, m=shown).pack()
                )
            ]
        )
    nav: list[InlineKeyboardButton] = []
    if can_go_back:
        nav.append(
            InlineKeyboardButton(
                text=t("surveys.back_button", lang), callback_data=Nav(r=response_id, q=index, a="back").pack()
            )
        )
    if not question.required:
        nav.append(
            InlineKeyboardButton(
                text=t("surveys.skip_button", lang), callback_data=Nav(r=response_id, q=index, a="skip").pack()
            )
        )
    if nav:
        rows.append(nav)
    return InlineKeyboardMarkup(inline_keyboard=rows) if rows else None


REVIEW_BUDGET = 3800  # characters of the review (a message holds 4,096): long answers are shortened to fit
MIN_SHOWN = 40


def _cut(text: str, room: int) -> str:
    return text if len(text) <= room else text[: room - 1] + "…"


def review_message(
    defn: SurveyDefinition, response_id: int, state: SurveyState, sources: ChoiceSources, lang: str
) -> tuple[str, InlineKeyboardMarkup]:
    """The review of every answer with numbered edit buttons and the submit button."""
    lines = [t("surveys.review_title", lang)]
    edits: list[InlineKeyboardButton] = []
    reviewed = [
        (
            question,
            t(f"surveys.received.{question.type.value}", lang)
            if question.type in FILE_TYPES and shown is not None
            else shown,
        )
        for question, shown in review(defn, state, lang, sources)
    ]
    labels = [filled_text(question.label, question, state, lang) for question, _ in reviewed]
    asked = [question.name for question in asked_questions(defn, state)]
    room = max(MIN_SHOWN, (REVIEW_BUDGET - sum(len(label) + 10 for label in labels)) // max(1, len(reviewed)))
    for number, ((question, shown), label) in enumerate(zip(reviewed, labels, strict=True), start=1):
        value = t("surveys.review_skipped", lang) if shown is None else escape(_cut(shown, room))
        lines.append(f"{localize_number(number, lang)}. {escape(label)}\n   ← {value}")
        edits.append(
            InlineKeyboardButton(
                text=t("surveys.edit_button", lang, number=number),
                callback_data=Edit(r=response_id, q=asked.index(question.name)).pack(),
            )
        )
    submit = InlineKeyboardButton(text=t("surveys.submit_button", lang), callback_data=Submit(r=response_id).pack())
    return "\n".join(lines), InlineKeyboardMarkup(inline_keyboard=[*button_rows(edits, 5), [submit]])
