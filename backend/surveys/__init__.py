"""Surveys: definitions (YAML or XLSForm), a safe expression evaluator and the pure engine."""

from __future__ import annotations

from pathlib import Path

BUNDLED_DIR = Path(__file__).with_name("bundled")


def bundled_surveys() -> list[Path]:
    """The YAML files of the surveys shipped with Meydan, sorted by name."""
    return sorted(BUNDLED_DIR.glob("*.yaml"))
