"""Column mappings of citizen-poll exports: which header holds what, and categories/areas to plan codes."""

from __future__ import annotations

from functools import cached_property
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from backend.errors import MeydanError
from backend.plan import Plan
from backend.text import normalize_persian

MAPPINGS = Path(__file__).with_name("mappings")
KINDS = ("shahreman", "137")
JALALI = "jalali"


def match_key(text: object) -> str:
    """The form headers, categories and areas are compared in: normalized Persian, case-folded."""
    return normalize_persian(str(text)).casefold()


class Columns(BaseModel):
    """The export's header for each field Meydan reads (``text`` and ``category`` are required)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    text: str
    category: str
    id: str | None = None
    area: str | None = None
    date: str | None = None


class ImportMapping(BaseModel):
    """One export format: its columns, date format, and the category and area vocabularies."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: str
    columns: Columns
    ignore: list[str] = []
    date_format: str = JALALI
    stakeholder_group: str = "citizens"
    categories: dict[str, str] = Field(min_length=1)
    areas: dict[str, str] = {}

    @cached_property
    def axis_of(self) -> dict[str, str]:
        """Axis code by normalized category."""
        return {match_key(k): v for k, v in self.categories.items()}

    @cached_property
    def district_of(self) -> dict[str, str]:
        """District code by normalized area."""
        return {match_key(k): v for k, v in self.areas.items()}

    def check_codes(self, plan: Plan) -> None:
        """A MeydanError naming the first axis, district or stakeholder group the plan does not know."""
        for kind, codes in (
            ("axis", self.categories.values()),
            ("district", self.areas.values()),
            ("stakeholder_group", [self.stakeholder_group]),
        ):
            unknown = sorted({c for c in codes if plan.get(kind, c) is None})
            if unknown:
                raise MeydanError(
                    f"the {self.kind} mapping uses {kind} code(s) the plan does not have: {', '.join(unknown)}"
                )


def load_mapping(kind: str, plan: Plan, path: Path | None = None) -> ImportMapping:
    """The bundled mapping of ``kind`` (``shahreman`` or ``137``), or the file at ``path``, checked
    against the plan; any problem is one MeydanError naming the file."""
    if kind not in KINDS:
        raise MeydanError(f"unknown export kind {kind!r}; expected one of {', '.join(KINDS)}")
    file = path or MAPPINGS / f"{kind}.yaml"
    try:
        mapping = ImportMapping.model_validate(yaml.safe_load(file.read_text(encoding="utf-8")))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise MeydanError(f"mapping file {file}: cannot be read ({exc.__class__.__name__})") from None
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"]) or "(top level)"
        raise MeydanError(f"mapping file {file}: field {where}: {err['msg']}") from None
    if mapping.kind != kind:
        raise MeydanError(f"mapping file {file} is for {mapping.kind!r} exports, not {kind!r}")
    mapping.check_codes(plan)
    return mapping
