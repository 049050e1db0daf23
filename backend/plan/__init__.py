"""The plan being drafted: loaded from a YAML plan file (Mashhad 1401-1404 by default)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from zoneinfo import ZoneInfo

import yaml
from pydantic import ValidationError

from backend.config import Settings
from backend.errors import ConfigError
from backend.plan.boundaries import load_boundaries
from backend.plan.config_file import PlanFile
from backend.plan.model import CRITERIA, ApprovalBody, Named, WorkingGroup

BUNDLED_PLAN = Path(__file__).with_name("mashhad-1401-1404.yaml")

__all__ = ["BUNDLED_PLAN", "CRITERIA", "ApprovalBody", "Named", "Plan", "WorkingGroup", "load_plan", "plan_zone"]


@dataclass(frozen=True)
class Plan:
    """A validated plan with lookups by code."""

    spec: PlanFile
    path: Path

    @property
    def code(self) -> str:
        return self.spec.code

    def name(self, lang: str) -> str:
        """The plan's name in ``lang``."""
        return self.spec.name.en if lang == "en" else self.spec.name.fa

    @property
    def axes(self) -> list[Named]:
        return self.spec.axes

    @property
    def districts(self) -> list[Named]:
        return self.spec.districts

    @cached_property
    def _boundaries(self) -> tuple[dict[str, str], str | None]:
        if self.spec.district_boundaries is None:
            return {}, None
        file = self.path.parent / self.spec.district_boundaries
        return load_boundaries(file, {d.code for d in self.districts})

    @property
    def district_boundaries(self) -> dict[str, str]:
        """District code → its boundary as GeoJSON geometry text (empty without a boundaries file)."""
        return self._boundaries[0]

    @property
    def city_outline(self) -> str | None:
        """The city's outline as GeoJSON geometry text, if the boundaries file has one."""
        return self._boundaries[1]

    @property
    def places(self) -> list[str]:
        """The city's places by name (بلوار احمدآباد, الهیه): integration knows them without a marker."""
        return self.spec.places

    @property
    def sources(self) -> list[Named]:
        return self.spec.sources

    @property
    def stakeholder_groups(self) -> list[Named]:
        return self.spec.stakeholder_groups

    @property
    def bodies(self) -> list[ApprovalBody]:
        """The approval bodies in chain order."""
        return self.spec.approval_bodies

    @cached_property
    def working_groups(self) -> list[WorkingGroup]:
        return self.spec.expand_working_groups()

    @cached_property
    def _index(self) -> dict[str, dict[str, object]]:
        return {
            "axis": {a.code: a for a in self.axes},
            "district": {d.code: d for d in self.districts},
            "source": {s.code: s for s in self.sources},
            "stakeholder_group": {g.code: g for g in self.stakeholder_groups},
            "body": {b.code: b for b in self.bodies},
            "working_group": {w.code: w for w in self.working_groups},
        }

    def get(self, kind: str, code: str) -> Named | WorkingGroup | ApprovalBody | None:
        """Look up an axis, district, source, stakeholder_group, body or working_group by code."""
        return self._index[kind].get(code)  # type: ignore[return-value]

    def next_body(self, code: str) -> ApprovalBody | None:
        """The body after ``code`` in the approval chain, or None at its end."""
        codes = [b.code for b in self.bodies]
        i = codes.index(code)
        return self.bodies[i + 1] if i + 1 < len(codes) else None


def load_plan(path: Path | str | None = None) -> Plan:
    """Read and validate a plan file; any problem is one ConfigError naming file, field and reason."""
    file = Path(path) if path else BUNDLED_PLAN
    try:
        raw = yaml.safe_load(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"plan file {file}: not found (check MEYDAN_PLAN_FILE)") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"plan file {file}: cannot be read ({exc.__class__.__name__})") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark else ""
        raise ConfigError(f"plan file {file}: not valid YAML{where}: {getattr(exc, 'problem', exc)}") from None
    if not isinstance(raw, dict):
        raise ConfigError(f"plan file {file}: expected a mapping of plan fields at the top level")
    try:
        spec = PlanFile.model_validate(raw)
    except ValidationError as exc:
        err = exc.errors()[0]
        field = ".".join(str(p) for p in err["loc"]) or "(top level)"
        message = err["msg"].removeprefix("Value error, ")
        raise ConfigError(f"plan file {file}: field {field}: {message}") from None
    plan = Plan(spec=spec, path=file)
    plan.district_boundaries  # noqa: B018 - a bad boundaries file fails the load, not a citizen's answer
    return plan


def plan_zone(settings: Settings, plan: Plan) -> ZoneInfo:
    """The one time zone of the plan's dates, weeks and schedules: MEYDAN_TIMEZONE when set, else the plan file's."""
    return ZoneInfo(settings.timezone if "timezone" in settings.model_fields_set else plan.spec.timezone)
