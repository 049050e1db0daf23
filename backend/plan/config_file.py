"""The plan file's raw shape (YAML) and its expansion into a ``Plan``."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from backend.plan.model import ApprovalBody, Named, Period, Ranking, Weekly, WorkingGroup


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Translated(_Strict):
    fa: str = Field(min_length=1)
    en: str = Field(min_length=1)


class AxesSpec(_Strict):
    axes: list[str] | Literal["all"] = "all"


class DistrictSpec(_Strict):
    districts: list[str] | Literal["all"] = "all"
    axes: list[str] | Literal["all"] = "all"


class OrganizationSpec(_Strict):
    unit: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    fa: str
    en: str
    axes: list[str] = Field(min_length=1)


class WorkingGroupsSpec(_Strict):
    headquarters: AxesSpec = AxesSpec()
    organizations: list[OrganizationSpec] = []
    districts: DistrictSpec = DistrictSpec()


class PlanFile(_Strict):
    """Exactly what a plan YAML file may contain."""

    code: str = Field(pattern=r"^[a-z0-9][a-z0-9_.-]*$")
    name: Translated
    city: Translated
    period: Period
    timezone: str = "Asia/Tehran"
    stakeholder_groups: list[Named] = Field(min_length=1)
    sources: list[Named] = Field(min_length=1)
    axes: list[Named] = Field(min_length=1)
    districts: list[Named] = Field(min_length=1)
    district_boundaries: str | None = None  # a GeoJSON file, relative to the plan file (see plan.boundaries)
    places: list[str] = []  # the city's streets, squares, areas and landmarks, for integration
    working_groups: WorkingGroupsSpec
    approval_bodies: list[ApprovalBody] = Field(min_length=1)
    ranking: Ranking
    digest: Weekly

    @model_validator(mode="after")
    def _references(self) -> PlanFile:
        for label, items in (
            ("stakeholder_groups", self.stakeholder_groups),
            ("sources", self.sources),
            ("axes", self.axes),
            ("districts", self.districts),
            ("approval_bodies", self.approval_bodies),
        ):
            codes = [i.code for i in items]
            dupes = sorted({c for c in codes if codes.count(c) > 1})
            if dupes:
                raise ValueError(f"{label}: duplicate code(s) {', '.join(dupes)}")
        axes = {a.code for a in self.axes}
        districts = {d.code for d in self.districts}
        wg = self.working_groups
        named = [
            ("working_groups.headquarters.axes", wg.headquarters.axes),
            ("working_groups.districts.axes", wg.districts.axes),
        ]
        named += [(f"working_groups.organizations.{o.unit}.axes", o.axes) for o in wg.organizations]
        for where, chosen in named:
            if chosen != "all" and set(chosen) - axes:
                raise ValueError(f"{where}: unknown axis {sorted(set(chosen) - axes)[0]!r}")
        unknown = set(wg.districts.districts) - districts if wg.districts.districts != "all" else set()
        if unknown:
            raise ValueError(f"working_groups.districts.districts: unknown district {sorted(unknown)[0]!r}")
        return self

    def expand_working_groups(self) -> list[WorkingGroup]:
        """Every working group the spec describes, with stable codes like ``hq.transport``."""
        axes = {a.code: a for a in self.axes}
        spec = self.working_groups
        groups: list[WorkingGroup] = []
        for code in _pick(spec.headquarters.axes, axes):
            a = axes[code]
            groups.append(
                WorkingGroup(
                    code=f"hq.{code}",
                    level="hq",
                    unit="hq",
                    axis=code,
                    fa=f"کارگروه ستادی {a.fa}",
                    en=f"HQ working group: {a.en}",
                )
            )
        for org in spec.organizations:
            for code in org.axes:
                a = axes[code]
                groups.append(
                    WorkingGroup(
                        code=f"org.{org.unit}.{code}",
                        level="organization",
                        unit=org.unit,
                        axis=code,
                        fa=f"{org.fa} ({a.fa})",
                        en=f"{org.en} ({a.en})",
                    )
                )
        districts = {d.code: d for d in self.districts}
        for dcode in _pick(spec.districts.districts, districts):
            d = districts[dcode]
            for code in _pick(spec.districts.axes, axes):
                a = axes[code]
                groups.append(
                    WorkingGroup(
                        code=f"{dcode}.{code}",
                        level="district",
                        unit=dcode,
                        axis=code,
                        fa=f"{d.fa} ({a.fa})",
                        en=f"{d.en} ({a.en})",
                    )
                )
        return groups


def _pick(chosen: list[str] | Literal["all"], known: dict[str, Named]) -> list[str]:
    return list(known) if chosen == "all" else chosen
