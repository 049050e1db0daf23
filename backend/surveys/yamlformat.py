"""The native YAML survey format.

The top level holds the SurveyDefinition fields; ``questions`` is a list of questions with
the Question fields (``label: {fa: ..., en: ...}``, ``choices: [{name, label, extra}]``).
For convenience an item may instead be a group, which is flattened on loading::

    - group: household        # each member gets group: household
      relevant: ${adult} = 'yes'  # folded into each member's relevant with "and"
      questions: [...]        # questions or nested groups

``dump_yaml_survey`` writes the flattened form, which loads back to an equal definition.
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path
from typing import Any, ClassVar

import yaml
from pydantic import ValidationError

from backend.surveys.errors import SurveyFormatError, locate
from backend.surveys.model import SurveyDefinition, fold_relevant

_GROUP_KEYS = {"group", "relevant", "questions"}
_BOOL_TAG = "tag:yaml.org,2002:bool"


class _Loader(yaml.SafeLoader):
    """SafeLoader reading only true/false as booleans, so choice names like yes, no, on stay text."""

    yaml_implicit_resolvers: ClassVar[dict[str, list[tuple[str, re.Pattern[str]]]]] = {
        first: [resolver for resolver in resolvers if resolver[0] != _BOOL_TAG]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }


_Loader.add_implicit_resolver(_BOOL_TAG, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))


def _read(source: str | Path) -> str:
    looks_like_path = isinstance(source, str) and "\n" not in source and source.endswith((".yaml", ".yml"))
    if not isinstance(source, Path) and not looks_like_path:
        return source
    try:
        return Path(source).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise SurveyFormatError(f"survey file {source}: cannot be read ({exc.__class__.__name__})") from None


def _flatten(items: Any, group: str | None = None, relevant: str | None = None) -> Any:
    """Expand group items into their members, each carrying the group and its relevant."""
    if not isinstance(items, list):
        return items
    flat: list[Any] = []
    for item in items:
        if isinstance(item, dict) and "questions" in item:
            flat += _flatten_group(item, relevant)
        elif isinstance(item, dict) and group is not None:
            flat.append({**item, "group": group, "relevant": fold_relevant(relevant, item.get("relevant"))})
        else:
            flat.append(item)
    return flat


def _flatten_group(item: dict[str, Any], outer_relevant: str | None) -> list[Any]:
    name, members = item.get("group"), item["questions"]
    unknown = sorted(set(item) - _GROUP_KEYS)
    if unknown:
        raise SurveyFormatError(f"group {name!r}: unknown keys {unknown}")
    if not isinstance(name, str) or not isinstance(members, list) or not members:
        raise SurveyFormatError(f"group {name!r}: it needs a name (group:) and a non-empty questions list")
    return _flatten(members, name, fold_relevant(outer_relevant, item.get("relevant")))


def load_yaml_survey(source: str | Path) -> SurveyDefinition:
    """Load a survey from YAML text, or from a file given as a Path or a ``*.yaml``/``*.yml`` name.

    Raises SurveyFormatError naming the question and field at fault.
    """
    try:
        data = yaml.load(_read(source), Loader=_Loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark else ""
        raise SurveyFormatError(f"not valid YAML{where}: {getattr(exc, 'problem', exc)}") from None
    if not isinstance(data, dict):
        raise SurveyFormatError("expected a mapping of survey fields at the top level")
    data = {**data, "questions": _flatten(data.get("questions"))}
    try:
        return SurveyDefinition.model_validate(data)
    except ValidationError as exc:
        problem = locate(exc)
        questions = data["questions"] if isinstance(data["questions"], list) else []
        raw = questions[problem.index] if problem.index is not None and problem.index < len(questions) else None
        name = raw.get("name") if isinstance(raw, dict) else None
        if name is None and problem.index is not None:
            name = f"#{problem.index + 1}"
        raise SurveyFormatError(problem.describe(name)) from None


def _plain_number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def dump_yaml_survey(defn: SurveyDefinition) -> str:
    """The survey as YAML (flattened groups, defaults left out)."""
    data = defn.model_dump(mode="json", exclude_defaults=True)
    for raw, question in zip(data["questions"], defn.questions, strict=True):
        for field in ("start", "end", "step"):
            value = getattr(question, field)
            if value is not None:
                raw[field] = _plain_number(value)
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)
