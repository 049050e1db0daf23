from pathlib import Path

import pytest

from backend.surveys.errors import SurveyFormatError
from backend.surveys.yamlformat import dump_yaml_survey, load_yaml_survey
from tests.surveys.helpers import choices, q, survey

SOURCE = """
code: sample
title: {en: Sample, fa: نمونه}
languages: [fa, en]
questions:
  - name: adult
    type: select_one
    label: {fa: بزرگسال هستید؟, en: 'Are you an adult?'}
    choices:
      - {name: yes, label: {fa: بله, en: Yes}}
      - {name: no, label: {fa: خیر, en: No}}
  - group: work
    relevant: ${adult} = 'yes'
    questions:
      - name: job
        type: text
        label: {fa: شغل, en: Job}
      - group: pay
        relevant: ${job} != ''
        questions:
          - name: income
            type: integer
            label: {fa: درآمد, en: Income}
            relevant: ${adult} != 'no'
"""


def test_groups_are_flattened_and_relevance_folded() -> None:
    defn = load_yaml_survey(SOURCE)
    assert [q.name for q in defn.questions] == ["adult", "job", "income"]
    assert defn.questions[0].choices[0].name == "yes"  # not the YAML boolean
    assert defn.title == {"fa": "نمونه", "en": "Sample"}  # default language first
    assert list(defn.title) == ["fa", "en"]
    job, income = defn.question("job"), defn.question("income")
    assert (job.group, job.relevant) == ("work", "${adult} = 'yes'")
    assert income.group == "pay"
    assert income.relevant == "((${adult} = 'yes') and (${job} != '')) and (${adult} != 'no')"


def test_round_trip() -> None:
    defn = survey(
        q("r", "range", start=0, end=2, step="0.5", hint={"en": "pick", "fa": "انتخاب"}),
        q("c", "select_multiple", choices=choices("a", "b", a={"zone": "n"}), required=True),
        q("p", "problem", constraint="string-length(.) > 3", constraint_message={"fa": "بیشتر"}),
        q("t", "axes_rank", rank_count=2, relevant="${r} > 1", group="g"),
        description={"fa": "شرح"},
        version="2",
        allow_multiple_responses=True,
    )
    text = dump_yaml_survey(defn)
    assert "step: 0.5" in text and "end: 2\n" in text
    again = load_yaml_survey(text)
    assert again == defn
    assert again.fingerprint() == defn.fingerprint()


def test_load_from_path(tmp_path: Path) -> None:
    file = tmp_path / "s.yaml"
    file.write_text(SOURCE, encoding="utf-8")
    assert load_yaml_survey(file) == load_yaml_survey(str(file)) == load_yaml_survey(SOURCE)
    with pytest.raises(SurveyFormatError, match="cannot be read"):
        load_yaml_survey(tmp_path / "missing.yaml")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("    type: select_one", "    type: select_none"), "question 'adult', field 'type'"),
        (
            ("relevant: ${adult} = 'yes'", "relevant: ${adult} = = 'yes'"),
            "question 'job', field 'relevant': unexpected '='",
        ),
        (
            ("relevant: ${job} != ''", "relevant: ${jobs} != ''"),
            "question 'income', field 'relevant': refers to unknown question 'jobs'",
        ),
        (
            ("      - {name: no, label: {fa: خیر, en: No}}", "      - {name: no, label: {en: No}}"),
            "question 'adult', field 'choices.1.label'",
        ),
        (("code: sample", "code: Not A Slug"), "field 'code'"),
        (("        type: text", "        type: text\n        colour: red"), "question 'job', field 'colour'"),
        (("      - name: job\n", "      - type: text\n"), "question '#2', field 'name'"),
        (("languages: [fa, en]", "languages: [fa, en"), "not valid YAML at line 5"),
        (("  - group: work", "  - group: work\n    colour: red"), "group 'work': unknown keys ['colour']"),
    ],
)
def test_errors_name_the_question_and_field(change: tuple[str, str], message: str) -> None:
    old, new = change
    assert old in SOURCE
    with pytest.raises(SurveyFormatError) as caught:
        load_yaml_survey(SOURCE.replace(old, new, 1))
    assert message in str(caught.value)


def test_top_level_must_be_a_mapping() -> None:
    with pytest.raises(SurveyFormatError, match="mapping"):
        load_yaml_survey("- a\n- b\n")
