"""Survey questions, options and the review as messenger text and inline keyboards."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.keyboard import InlineKeyboardBuilder

from backend.surveys.engine import ChoiceSources, Step, SurveyState, current_step, review, visible_choices
from backend.surveys.model import Question, QuestionType, SurveyDefinition, localize
from backend.surveys.validation import ACKNOWLEDGED
from backend.text import to_persian_digits
from bot.i18n import localize_number, t
from bot.surveys.callbacks import Done, Edit, Nav, Pick, Submit, Toggle

CHOICE_TYPES = {QuestionType.SELECT_ONE, QuestionType.DISTRICT, QuestionType.AXIS,
                QuestionType.RANK, QuestionType.AXES_RANK}


@dataclass(frozen=True)
class Option:
    """One button: what it shows and the raw reply it stands for."""

    label: str
    raw: str


def options(question: Question, state: SurveyState, sources: ChoiceSources, lang: str) -> list[Option]:
    """The buttons of the question's current step, in order (a press's index points here)."""
    step = current_step(question, state)
    if question.type is QuestionType.RANGE:
        return [Option(to_persian_digits(v) if lang == "fa" else str(v), str(v)) for v in question.range_values()]
    if question.type is QuestionType.ACKNOWLEDGE:
        return [Option(t("surveys.ok_button", lang), ACKNOWLEDGED)]
    if question.type in CHOICE_TYPES or question.type is QuestionType.SELECT_MULTIPLE or step is Step.PROBLEM_AXIS:
        return [Option(localize(c.label, lang), c.name) for c in visible_choices(question, state, sources)]
    return []


def _hint_key(question: Question, state: SurveyState) -> str:
    step = current_step(question, state)
    if step in (Step.PROBLEM_TEXT, Step.PROBLEM_AXIS, Step.RANK_PICK):
        return {Step.PROBLEM_TEXT: "problem_text", Step.PROBLEM_AXIS: "problem_axis", Step.RANK_PICK: "rank"}[step]
    if question.type in (QuestionType.DISTRICT, QuestionType.AXIS):
        return "select_one"
    return question.type.value


def question_text(question: Question, number: int, state: SurveyState, lang: str) -> str:
    """The question's label, hint and what kind of reply it expects."""
    lines = [f"<i>{t('surveys.progress', lang, number=number)}</i>", f"<b>{escape(localize(question.label, lang))}</b>"]
    if question.hint:
        lines.append(escape(localize(question.hint, lang)))
    if question.type is not QuestionType.NOTE:
        picked = len(state.answers.get(question.name) or ()) if current_step(question, state) is Step.RANK_PICK else 0
        lines.append(f"<i>{t('surveys.hint.' + _hint_key(question, state), lang, number=picked + 1)}</i>")
    return "\n".join(lines)


def _per_row(labels: list[str]) -> int:
    longest = max((len(label) for label in labels), default=0)
    return 5 if longest <= 3 else 2 if longest <= 18 else 1


def question_keyboard(question: Question, index: int, response_id: int, state: SurveyState, sources: ChoiceSources,
                      lang: str, *, ticked: frozenset[str] = frozenset(), can_go_back: bool) -> InlineKeyboardMarkup | None:
    """Buttons for the current step, then skip/back; None when the reply is typed and there is no nav."""
    builder = InlineKeyboardBuilder()
    opts = options(question, state, sources, lang)
    multiple = question.type is QuestionType.SELECT_MULTIPLE
    for i, opt in enumerate(opts):
        if multiple:
            mark = "✅ " if opt.raw in ticked else "◻️ "
            builder.button(text=mark + opt.label, callback_data=Toggle(r=response_id, q=index, c=i))
        else:
            builder.button(text=opt.label, callback_data=Pick(r=response_id, q=index, c=i))
    builder.adjust(_per_row([o.label for o in opts]))
    extra: list[InlineKeyboardButton] = []
    if multiple:
        extra.append(InlineKeyboardButton(text=t("surveys.done_button", lang),
                                          callback_data=Done(r=response_id, q=index).pack()))
    nav: list[InlineKeyboardButton] = []
    if can_go_back:
        nav.append(InlineKeyboardButton(text=t("surveys.back_button", lang),
                                        callback_data=Nav(r=response_id, q=index, a="back").pack()))
    if not question.required:
        nav.append(InlineKeyboardButton(text=t("surveys.skip_button", lang),
                                        callback_data=Nav(r=response_id, q=index, a="skip").pack()))
    for row in (extra, nav):
        if row:
            builder.row(*row)
    markup = builder.as_markup()
    return markup if markup.inline_keyboard else None


def review_message(defn: SurveyDefinition, response_id: int, state: SurveyState, sources: ChoiceSources,
                   lang: str) -> tuple[str, InlineKeyboardMarkup]:
    """The review of every answer with numbered edit buttons and the submit button."""
    lines = [t("surveys.review_title", lang)]
    builder = InlineKeyboardBuilder()
    for number, (question, shown) in enumerate(review(defn, state, lang, sources), start=1):
        value = t("surveys.review_skipped", lang) if shown is None else escape(shown)
        lines.append(f"{localize_number(number, lang)}. {escape(localize(question.label, lang))}\n   ← {value}")
        builder.button(text=t("surveys.edit_button", lang, number=number),
                       callback_data=Edit(r=response_id, q=defn.questions.index(question)))
    builder.adjust(5)
    builder.row(InlineKeyboardButton(text=t("surveys.submit_button", lang), callback_data=Submit(r=response_id).pack()))
    return "\n".join(lines), builder.as_markup()
