"""District boundaries: an optional GeoJSON file named by the plan (``district_boundaries``).

A FeatureCollection whose features carry the district's code in ``properties.district``
and its (Multi)Polygon; an optional feature with ``properties.city`` true is the city's
outline. Each geometry is kept as GeoJSON text, checked with shapely when loaded.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from shapely.geometry import shape

from backend.errors import ConfigError

AREA_TYPES = ("Polygon", "MultiPolygon")


def _geometry(feature: Any, file: Path, index: int) -> str:
    geometry = feature.get("geometry") if isinstance(feature, dict) else None
    if not isinstance(geometry, dict) or geometry.get("type") not in AREA_TYPES:
        raise ConfigError(f"district boundaries {file}: feature {index}: needs a Polygon or MultiPolygon geometry")
    try:
        valid = shape(geometry).is_valid
    except (ValueError, TypeError, AttributeError) as exc:
        raise ConfigError(f"district boundaries {file}: feature {index}: {exc}") from None
    if not valid:
        raise ConfigError(f"district boundaries {file}: feature {index}: the polygon crosses itself")
    return json.dumps(geometry, separators=(",", ":"))


def load_boundaries(file: Path, districts: set[str]) -> tuple[dict[str, str], str | None]:
    """(district code → GeoJSON geometry text, the city outline or None); ConfigError naming the problem."""
    try:
        collection = json.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"district boundaries {file}: not found") from None
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise ConfigError(f"district boundaries {file}: not GeoJSON ({exc.__class__.__name__})") from None
    features = collection.get("features") if isinstance(collection, dict) else None
    if collection.get("type") != "FeatureCollection" or not isinstance(features, list):
        raise ConfigError(f"district boundaries {file}: expected a GeoJSON FeatureCollection")
    found: dict[str, str] = {}
    city = None
    for index, feature in enumerate(features):
        properties = feature.get("properties") or {} if isinstance(feature, dict) else {}
        if properties.get("city") is True:
            city = _geometry(feature, file, index)
            continue
        code = properties.get("district")
        if code not in districts:
            raise ConfigError(f"district boundaries {file}: feature {index}: unknown district {code!r}")
        found[code] = _geometry(feature, file, index)
    return found, city
