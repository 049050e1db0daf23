"""Fixtures for integration, aggregation and prioritization (the databases are in tests/conftest.py)."""

from __future__ import annotations

import pytest

from backend.plan import Plan, load_plan


@pytest.fixture(scope="session")
def plan() -> Plan:
    """The bundled Mashhad plan."""
    return load_plan()
