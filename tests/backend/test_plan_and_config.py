"""The bundled plan, plan-file errors and settings errors."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from backend.config import load_settings
from backend.errors import ConfigError
from backend.plan import BUNDLED_PLAN, load_plan


def test_bundled_plan_has_the_process_shape() -> None:
    plan = load_plan()
    assert len(plan.stakeholder_groups) == 6
    assert [s.code for s in plan.sources] == [
        "council_interview",
        "neighborhood_council",
        "citizen_poll",
        "upstream_documents",
        "elite_interview",
        "agency_interview",
        "civil_society_forum",
        "organizational_trends",
        "suggestion_events",
    ]
    assert len(plan.axes) == 6
    assert len(plan.districts) == 14 and plan.get("district", "samen") is not None
    levels = {w.level for w in plan.working_groups}
    assert levels == {"hq", "organization", "district"}
    assert plan.get("working_group", "hq.transport").axis == "transport"
    assert plan.get("working_group", "d13.economy").unit == "d13"
    bodies = ["drafting_committee", "strategic_commission", "supreme_council", "city_council"]
    assert [b.code for b in plan.bodies] == bodies
    assert plan.next_body("drafting_committee").code == "strategic_commission"
    assert plan.next_body("city_council") is None
    assert plan.bodies[0].schedule.time.hour == 9


def _broken(tmp_path: Path, edit) -> Path:  # type: ignore[no-untyped-def]
    raw = yaml.safe_load(BUNDLED_PLAN.read_text(encoding="utf-8"))
    edit(raw)
    path = tmp_path / "plan.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (lambda r: r["approval_bodies"][1].update(pass_rule="most"), "approval_bodies.1.pass_rule"),
        (lambda r: r["working_groups"]["organizations"][0].update(axes=["nowhere"]), "unknown axis 'nowhere'"),
        (lambda r: r["axes"].append(dict(r["axes"][0])), "duplicate code(s) governance"),
        (lambda r: r.pop("districts"), "field districts: Field required"),
        (lambda r: r["ranking"].update(weights={"luck": 1.0}), "unknown criteria ['luck']"),
    ],
)
def test_broken_plan_names_file_field_and_reason(tmp_path: Path, edit, expected: str) -> None:  # type: ignore[no-untyped-def]
    path = _broken(tmp_path, edit)
    with pytest.raises(ConfigError) as err:
        load_plan(path)
    message = str(err.value)
    assert message.startswith(f"plan file {path}:")
    assert expected in message
    assert "\n" not in message


def test_missing_plan_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not found"):
        load_plan(tmp_path / "nope.yaml")


def test_settings_contract(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MEYDAN_ADMIN_IDS", "11, 22")
    monkeypatch.setenv("MEYDAN_DATABASE_URL", "postgresql://u@db/meydan")
    monkeypatch.setenv("MEYDAN_API_BASE", "https://tapi.bale.ai/")
    settings = load_settings()
    assert settings.admin_ids == [11, 22]
    assert settings.db_url.drivername == "postgresql+asyncpg"
    assert settings.api_base == "https://tapi.bale.ai"
    assert settings.timezone == "Asia/Tehran"


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("MEYDAN_DATABASE_URL", "mysql://x/y", "supports sqlite"),
        ("MEYDAN_DATABASE_URL", "not a url", "is not a database URL"),
        ("MEYDAN_ADMIN_IDS", "alice", "MEYDAN_ADMIN_IDS"),
        ("MEYDAN_TIMEZONE", "Mars/Olympus", "unknown time zone"),
    ],
)
def test_bad_settings_are_one_line(monkeypatch: pytest.MonkeyPatch, name: str, value: str, expected: str) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError) as err:
        load_settings().db_url  # noqa: B018 - the URL is parsed lazily
    assert expected in str(err.value) and "\n" not in str(err.value)
