"""Geopoint answers: a shared location (or typed "lat, lon") and the district it falls in.

District boundaries come from the plan (GeoJSON, optional): each district choice then
carries its geometry as GeoJSON text in ``extra["boundary"]``; shapely tells which holds
the point.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any

import shapely
from shapely.geometry import Point, shape
from shapely.geometry.base import BaseGeometry

from backend.surveys.model import Choice
from backend.text import to_latin_digits

BOUNDARY = "boundary"  # the extra column of a district choice holding its GeoJSON geometry
_TYPED_POINT = re.compile(r"\s*(-?\d+(?:\.\d+)?)\s*[,،\s]\s*(-?\d+(?:\.\d+)?)\s*")


def read_point(raw: Mapping[str, Any] | str) -> dict[str, Any] | None:
    """A point {"latitude", "longitude", "accuracy"} from a shared location or venue (as the
    messenger sends it) or from typed "lat, lon" in any digits; None if it is not one."""
    if isinstance(raw, Mapping):
        where = raw.get("location", raw)  # a venue carries its location
        latitude, longitude = where.get("latitude"), where.get("longitude")
        accuracy = where.get("horizontal_accuracy", where.get("accuracy"))
    else:
        match = _TYPED_POINT.fullmatch(to_latin_digits(raw).replace("٫", "."))
        if match is None:
            return None
        latitude, longitude, accuracy = float(match[1]), float(match[2]), None
    if not isinstance(latitude, int | float) or not isinstance(longitude, int | float):
        return None
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        return None
    return {
        "latitude": float(latitude),
        "longitude": float(longitude),
        "accuracy": None if accuracy is None else float(accuracy),
    }


@lru_cache(maxsize=256)
def _geometry(geojson: str) -> BaseGeometry:
    geometry = shape(json.loads(geojson))
    shapely.prepare(geometry)
    return geometry


def district_at(latitude: float, longitude: float, districts: Sequence[Choice]) -> str | None:
    """The name of the first district whose boundary holds the point; None if none does."""
    point = Point(longitude, latitude)  # GeoJSON is longitude first
    for district in districts:
        boundary = district.extra.get(BOUNDARY)
        if boundary and _geometry(boundary).covers(point):
            return district.name
    return None
