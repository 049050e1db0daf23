"""Fixtures for the survey tests."""

from __future__ import annotations

import pytest

from backend.surveys.model import Choice
from tests.surveys.helpers import make_sources


@pytest.fixture
def sources() -> dict[str, list[Choice]]:
    """Plan-like choice sources: three districts (with a zone column) and the six axes."""
    return make_sources()
