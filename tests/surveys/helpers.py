"""Helpers for the survey tests: small definitions and plan-like choice sources."""

from __future__ import annotations

from typing import Any

from backend.surveys.model import Choice, SurveyDefinition

AXIS_CODES = ("governance", "economy", "social_cultural", "urban_development", "transport", "services_safety")


def q(name: str, type_: str = "text", **fields: Any) -> dict[str, Any]:
    """A raw question with Persian and English labels."""
    return {"name": name, "type": type_, "label": {"fa": f"پرسش {name}", "en": f"Question {name}"}, **fields}


def choices(*names: str, **extra: dict[str, str]) -> list[dict[str, Any]]:
    """Raw choices labelled in both languages; ``extra[name]`` gives a choice's extra columns."""
    return [{"name": n, "label": {"fa": f"گزینه {n}", "en": f"Option {n}"}, "extra": extra.get(n, {})} for n in names]


def survey(*questions: dict[str, Any], **fields: Any) -> SurveyDefinition:
    """A survey over the given raw questions."""
    return SurveyDefinition.model_validate(
        {
            "code": "test",
            "title": {"fa": "آزمون", "en": "Test"},
            "languages": ["fa", "en"],
            "questions": list(questions),
            **fields,
        }
    )


def make_sources() -> dict[str, list[Choice]]:
    """Plan-like choice sources: three districts (with a zone column) and the six axes."""
    districts = [
        Choice(name="d01", label={"fa": "منطقه ۱", "en": "District 1"}, extra={"zone": "north"}),
        Choice(name="d02", label={"fa": "منطقه ۲", "en": "District 2"}, extra={"zone": "south"}),
        Choice(name="samen", label={"fa": "منطقه ثامن", "en": "Samen District"}, extra={"zone": "north"}),
    ]
    axes = [Choice(name=code, label={"fa": f"محور {code}", "en": f"Axis {code}"}) for code in AXIS_CODES]
    return {"district": districts, "axis": axes}
