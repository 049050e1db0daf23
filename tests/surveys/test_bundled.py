from backend.plan import load_plan
from backend.surveys import bundled_surveys
from backend.surveys.engine import (
    Invalid,
    Step,
    SurveyState,
    Valid,
    current_step,
    next_question,
    review,
    validate,
    visible_choices,
)
from backend.surveys.model import QuestionType, SurveyDefinition
from backend.surveys.plan_sources import plan_choice_sources
from backend.surveys.yamlformat import load_yaml_survey

PROBLEM_TEXT = "پیاده‌روهای محله خراب و برای سالمندان ناایمن است"


def bundled() -> SurveyDefinition:
    (path,) = [p for p in bundled_surveys() if p.stem == "mashhad_citizen"]
    return load_yaml_survey(path)


def scripted_reply(defn: SurveyDefinition, state: SurveyState, sources) -> tuple[str, str | None]:
    """(question name, reply) for the next question; reply None means skip."""
    question = next_question(defn, state, sources)
    assert question is not None
    if question.type is QuestionType.NOTE or (not question.required and question.type is QuestionType.TEXT):
        return question.name, None
    if question.type is QuestionType.RANGE:
        return question.name, "۴"
    if current_step(question, state) is Step.PROBLEM_TEXT:
        return question.name, PROBLEM_TEXT
    return question.name, visible_choices(question, state, sources)[-1].name


def test_bundled_survey_loads_and_matches_the_plan() -> None:
    defn = bundled()
    plan = load_plan()
    assert defn.code == "mashhad_citizen"
    assert defn.languages == ["fa", "en"]
    names = {question.name for question in defn.questions}
    assert {f"rate_{axis.code}" for axis in plan.axes} <= names
    assert {"district", "age_band", "axes_priority", "neighbourhood_problem", "suggestion"} <= names
    for question in defn.questions:
        assert set(question.label) == {"fa", "en"}, question.name


def test_bundled_survey_can_be_completed() -> None:
    defn = bundled()
    sources = plan_choice_sources(load_plan())
    for lang in ("fa", "en"):
        state = SurveyState()
        for _ in range(100):
            if next_question(defn, state, sources) is None:
                break
            name, reply = scripted_reply(defn, state, sources)
            if reply is None:
                state = state.skip(name)
                continue
            result = validate(defn.question(name), reply, state, lang, sources)
            assert isinstance(result, Valid), (name, result)
            state = state.answer(name, result.value)
        assert next_question(defn, state, sources) is None
        assert state.answers["neighbourhood_problem"] == {"text": PROBLEM_TEXT, "axis": "services_safety"}
        assert len(state.answers["axes_priority"]) == len(sources["axis"])
        assert state.answers["rate_transport"] == 4
        shown = {q.name: value for q, value in review(defn, state, lang, sources)}
        assert shown["suggestion"] is None
        assert shown["district"] == ("منطقه ثامن" if lang == "fa" else "Samen District")


def test_bundled_problem_needs_a_real_description() -> None:
    defn = bundled()
    sources = plan_choice_sources(load_plan())
    result = validate(defn.question("neighbourhood_problem"), "بد", SurveyState(), "en", sources)
    assert result == Invalid("constraint", "Please describe it a little more (at least 10 characters).")
