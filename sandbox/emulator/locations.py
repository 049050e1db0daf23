"""Locations and venues in messages, shaped and checked as the Bot API's Location and Venue."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sandbox.emulator.errors import bad_request
from sandbox.emulator.spec import type_fields

MAX_ACCURACY_M = 1500  # the Bot API's bound for horizontal_accuracy


def _number(values: Mapping[str, Any], name: str, low: float, high: float) -> float:
    value = values.get(name)
    if isinstance(value, bool) or not isinstance(value, int | float) or not low <= value <= high:
        raise bad_request(f"wrong {name}: expected a number from {low} to {high}")
    return float(value)


def location_object(values: Mapping[str, Any]) -> dict[str, Any]:
    """A Location from ``latitude``, ``longitude`` and an optional ``horizontal_accuracy`` (metres)."""
    location = {"latitude": _number(values, "latitude", -90, 90), "longitude": _number(values, "longitude", -180, 180)}
    if values.get("horizontal_accuracy") is not None:
        location["horizontal_accuracy"] = _number(values, "horizontal_accuracy", 0, MAX_ACCURACY_M)
    assert set(location) <= set(type_fields("Location"))
    return location


def venue_object(values: Mapping[str, Any]) -> dict[str, Any]:
    """A Venue: a location with its ``title`` and ``address``."""
    title, address = values.get("title"), values.get("address")
    if not isinstance(title, str) or not title or not isinstance(address, str) or not address:
        raise bad_request("a venue needs a title and an address")
    venue = {"location": location_object(values), "title": title, "address": address}
    assert set(venue) <= set(type_fields("Venue"))
    return venue
