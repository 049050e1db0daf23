"""A multiple choice's ticks travel in its buttons: "save" carries what was shown, a tick press the
ticks it was shown with, so neither needs the conversation state."""

from backend.surveys.engine import SurveyState
from backend.surveys.model import Question
from bot.surveys.callbacks import Done, Toggle
from bot.surveys.render import options, question_keyboard, ticked_options
from tests.surveys.helpers import choices, q


def test_the_buttons_carry_the_ticks_as_shown(sources) -> None:  # type: ignore[no-untyped-def]
    many = Question.model_validate(q("pets", "select_multiple", required=True, choices=choices("cat", "dog", "fish")))
    state = SurveyState()
    shown = frozenset({"cat", "fish"})
    markup = question_keyboard(many, 3, 77, state, sources, "en", ticked=shown, can_go_back=False)
    assert markup is not None
    (*rows, [save]) = markup.inline_keyboard
    presses = [Toggle.unpack(button.callback_data or "") for row in rows for button in row]
    opts = options(many, state, sources, "en")
    assert {press.m for press in presses} == {0b101}
    assert ticked_options(opts, Done.unpack(save.callback_data or "").m) == shown
    dog = presses[1]
    assert ticked_options(opts, dog.m ^ 1 << dog.c) == {"cat", "dog", "fish"}  # the same however often it comes
    assert ticked_options(opts, 0b1000) is None  # a fourth option this question does not have
