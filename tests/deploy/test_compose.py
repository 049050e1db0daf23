"""The deployment files (Dockerfile, docker-compose.yml, .env.example) against the code they deploy.

Docker does not run here; ``test_services`` starts the same commands as processes.
"""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from backend.config import Settings, load_settings
from bot.cli import app

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES: dict[str, dict[str, Any]] = COMPOSE["services"]
MEYDAN_SERVICES = {name: spec for name, spec in SERVICES.items() if spec.get("image", "").startswith("meydan")}
_ENV_LINE = re.compile(r"^#?\s*([A-Z][A-Z0-9_]*)=(.*)$")


def dockerfile(name: str) -> str:
    """The argument of the last ``name`` instruction of the Dockerfile."""
    lines = [line for line in (ROOT / "Dockerfile").read_text().splitlines() if line.startswith(f"{name} ")]
    return lines[-1].removeprefix(f"{name} ").strip()


def env_example() -> dict[str, tuple[str, bool]]:
    """The keys of .env.example: value and whether the line is active (not commented out)."""
    keys = {}
    for line in (ROOT / ".env.example").read_text().splitlines():
        match = _ENV_LINE.match(line)
        if match:
            keys[match[1]] = (match[2], not line.startswith("#"))
    return keys


def _meydan_help(args: list[str]) -> int:
    return CliRunner().invoke(app, [*args, "--help"]).exit_code


def test_the_check_below_catches_a_wrong_command() -> None:
    assert _meydan_help(["run", "--webhook"]) == 0
    assert _meydan_help(["run", "--no-such-option"]) != 0
    assert _meydan_help(["no-such-command"]) != 0


@pytest.mark.parametrize("name", sorted(MEYDAN_SERVICES))
def test_every_meydan_service_runs_a_real_command(name: str) -> None:
    """The image's entrypoint is ``meydan``, so a service's command is a ``meydan`` command line."""
    command = MEYDAN_SERVICES[name]["command"]
    assert _meydan_help(command) == 0, f"`meydan {' '.join(command)}` is not a meydan command"


def test_the_image_runs_meydan() -> None:
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    assert json.loads(dockerfile("ENTRYPOINT")) == ["meydan"] and scripts["meydan"] == "bot.cli:main"
    assert _meydan_help(json.loads(dockerfile("CMD"))) == 0


def test_every_variable_is_a_setting_or_feeds_compose() -> None:
    compose_text = (ROOT / "docker-compose.yml").read_text()
    interpolated = set(re.findall(r"\$\{([A-Z0-9_]+)", compose_text))
    for key in env_example():
        if key.startswith("MEYDAN_"):
            assert key.removeprefix("MEYDAN_").lower() in Settings.model_fields, f"{key} is no setting"
        else:
            assert key in interpolated or key.startswith("COMPOSE_"), f"{key} is used by nothing"
    assert interpolated <= set(env_example()), "compose needs a variable .env.example does not give"
    for name, spec in MEYDAN_SERVICES.items():
        for key in spec.get("environment", {}):
            assert key.removeprefix("MEYDAN_").lower() in Settings.model_fields, f"{name}: {key} is no setting"
    for key in re.findall(r"\bMEYDAN_([A-Z_]+)=", (ROOT / "Dockerfile").read_text()):
        assert key.lower() in Settings.model_fields, f"Dockerfile: MEYDAN_{key} is no setting"


def test_the_example_values_are_valid_settings(tmp_path: Path) -> None:
    active = {k: v for k, (v, on) in env_example().items() if on and k.startswith("MEYDAN_")}
    settings = load_settings(**{k.removeprefix("MEYDAN_").lower(): v for k, v in active.items()}, data_dir=tmp_path)
    assert settings.webhook_workers == 2 and settings.messenger == "telegram"


def test_the_bot_listens_where_compose_and_its_health_check_look() -> None:
    bot = SERVICES["bot"]
    port = bot["command"][bot["command"].index("--port") + 1]
    assert dockerfile("EXPOSE") == port
    assert any(mapping.endswith(f":{port}") for mapping in bot["ports"])
    assert f"127.0.0.1:{port}/healthz" in " ".join(bot["healthcheck"]["test"])
