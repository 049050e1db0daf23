"""Reading a complaint as an issue at a place, and grouping such readings (pure pieces of integration)."""

from __future__ import annotations

import pytest

from backend.integration.matching import describe, group_complaints
from backend.integration.reading import Reader, fold, stem, strip_politeness
from backend.text import normalize_persian


def _read(text: str, *others: str, places: tuple[str, ...] = ()) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The place labels and issue codes of ``text``, read together with ``others``."""
    readings = Reader().read_all([normalize_persian(t) for t in (text, *others)], places)
    return readings[0].labels, readings[0].issues


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("با سلام و احترام، زباله‌های محله طلاب جمع‌آوری نمی‌شود. لطفا رسیدگی کنید", "زباله‌های محله طلاب جمع‌آوری نمی‌شود"),
        ("باسلام ترافیك احمدآباد خیلی زیاده، ممنون میشم", "ترافیک احمدآباد خیلی زیاده"),
        (
            "سلام. ترافیک بلوار احمدآباد صبح‌ها خیلی سنگینه، لطفا یه فکری بکنید",
            "ترافیک بلوار احمدآباد صبح‌ها خیلی سنگینه",
        ),
        ("خسته نباشید! چاله‌های خیابان طبرسی. با تشکر از زحمات شما", "چاله‌های خیابان طبرسی"),
        ("روشنایی معابر سیدی ضعیف است", "روشنایی معابر سیدی ضعیف است"),
    ],
)
def test_politeness_formulas_are_removed_and_the_complaint_kept(text: str, expected: str) -> None:
    assert strip_politeness(normalize_persian(text)) == expected


def test_lexicon_normalization_folds_spelling_and_light_morphology() -> None:
    assert fold("آشغال\u200cها") == "اشغالها"
    assert stem(fold("زباله‌ها")) == stem(fold("زباله")) == stem("زبالههای")
    assert stem("سنگینه") == stem("سنگین") and stem("نمیشود") == stem("میشود") == "شود"
    assert stem(fold("آشغالای")) == stem(fold("آشغال"))
    # synonyms and spelling variants name one issue; Arabic keyboard letters too
    for text in (
        "زباله‌های محله طلاب",
        "آشغالای طلاب",
        "پسماند محله طلاب",
        "زباله های محله طلاب",
        normalize_persian("آشغالهاي محله طلاب"),
    ):
        assert _read(text)[1] == ("waste",), text
    assert _read("ترافيك شديد بلوار احمد آباد")[1] == ("traffic",)
    assert _read("راهبندان بلوار احمدآباد")[1] == ("traffic",)
    assert _read("احمدآباد ترافیکش وحشتناکه", "بلوار احمدآباد", "بلوار احمدآباد")[1] == ("traffic",)


@pytest.mark.parametrize(
    ("text", "places"),
    [
        ("ترافیک بلوار احمدآباد صبح‌ها", ("بلوار احمدآباد",)),
        ("ترافیک شدید در بلوار احمد آباد", ("بلوار احمد آباد",)),
        ("چاله‌های خیابان طبرسی ماشین‌ها رو داغون کرده", ("خیابان طبرسی",)),
        ("میدون شهدا دستفروش زیاده", ("میدون شهدا",)),
        ("خ امام رضا قفله", ("خ امام رضا",)),
        ("ایستگاه اتوبوس میدان شهدا سایه‌بان ندارد", ("میدان شهدا",)),
        ("کوچه‌های محله پنج تن خاکیه", ("محله پنج تن",)),
        ("از پارک ملت تا چهارراه احمدآباد ترافیکه", ("پارک ملت", "چهارراه احمدآباد")),
        ("قیمت بلیت اتوبوس خیلی گرون شده", ()),
        ("تو خیابون ما سگ ولگرد زیاده", ()),
        ("پارک دوبل تو بلوار سجاد بیداد میکنه", ("بلوار سجاد",)),
    ],
)
def test_places_are_found_after_their_markers(text: str, places: tuple[str, ...]) -> None:
    assert _read(text)[0] == places


def test_a_place_named_without_its_marker_is_known_from_the_data_or_the_plan() -> None:
    assert _read("احمدآباد همیشه قفله")[0] == ()
    assert _read("احمدآباد همیشه قفله", "ترافیک بلوار احمدآباد", "بلوار احمدآباد شلوغه")[0] == ("احمدآباد",)
    assert _read("احمدآبادم ترافیک", "ترافیک بلوار احمدآباد", "بلوار احمدآباد شلوغه")[0] == ("احمدآبادم",)
    assert _read("روشنایی معابر سیدی ضعیف است", places=("بلوار سیدی",))[0] == ("سیدی",)
    assert _read("سگ‌های ولگرد الهیه", places=("الهیه",))[0] == ("الهیه",)
    # a facility named after a street is a place of its own; a bare name is the street
    park, street = Reader().read_all(
        [normalize_persian("آشغال پارک وکیل‌آباد"), normalize_persian("درخت‌های بلوار وکیل‌آباد")]
    )
    assert park.places != street.places and street.places == ("وکیلاباد",)


def test_same_issue_at_one_place_is_one_problem_different_places_and_issues_are_not() -> None:
    texts = [
        "سلام. ترافیک بلوار احمدآباد صبح‌ها خیلی سنگینه، لطفا یه فکری بکنید",
        "راهبندان احمد آباد هر روز",
        "ترافيك شديد در بلوار احمدآباد. ممنون",
        "ترافیک خیابان کوهسنگی عصرها سنگینه",  # same issue, other place
        "چاله‌های بلوار احمدآباد ماشین رو داغون کرده",  # same place, other issue
        "روشنایی معابر خیابان طبرسی ضعیف است",
        "روشنایی معابر بلوار سیدی ضعیف است",
    ]
    grouping = group_complaints([normalize_persian(t) for t in texts])
    labels = grouping.labels.tolist()
    assert labels[0] == labels[1] == labels[2]
    assert len(set(labels[2:])) == len(texts) - 2
    assert describe(grouping.reasons[1]) == "same place: بلوار احمدآباد; same issue: ترافیک"
    assert describe(grouping.reasons[6]) == "same place: بلوار سیدی; same issue: روشنایی"


def test_one_complaint_naming_two_issues_does_not_chain_two_problems() -> None:
    waste = [f"زباله‌های محله طلاب جمع نمیشه {n}" for n in ("امروز", "دیروز", "یک هفته", "هر روز")]
    dogs = [f"سگ‌های ولگرد محله طلاب {n}" for n in ("ترسناکن", "زیاد شدن", "بچه‌ها میترسن", "شب پارس میکنن")]
    both = "زباله‌های محله طلاب جمع نمیشه و سگ‌های ولگرد جمع شدن"
    labels = group_complaints([normalize_persian(t) for t in [*waste, both, *dogs]]).labels.tolist()
    assert len(set(labels[:4])) == 1 and len(set(labels[5:])) == 1 and labels[0] != labels[5]


def test_people_decisions_override_the_machine() -> None:
    texts = [normalize_persian(t) for t in ("ترافیک بلوار احمدآباد", "راهبندان بلوار احمدآباد", "آشغال محله طلاب")]
    assert group_complaints(texts).labels.tolist() == [0, 0, 1]
    assert len(set(group_complaints(texts, apart=[(0, 1)]).labels.tolist())) == 3
    merged = group_complaints(texts, together=[(0, 2)])
    assert merged.labels.tolist() == [0, 0, 0]
    assert [reason["by"] for reason in merged.reasons].count("person") == 1
