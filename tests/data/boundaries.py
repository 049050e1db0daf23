"""A test plan with district boundaries: the bundled plan and a GeoJSON of three square districts
side by side (d04, d05, d06) inside the city's outline."""

from __future__ import annotations

import json
from pathlib import Path

from backend.plan import BUNDLED_PLAN

HARAM = (36.2880, 59.6157)  # latitude, longitude in district 5
TEHRAN = (35.7, 51.4)  # outside every district


def _square(west: float, south: float, size: float) -> dict[str, object]:
    corners = [[west, south], [west + size, south], [west + size, south + size], [west, south + size], [west, south]]
    return {"type": "Polygon", "coordinates": [corners]}


def plan_with_boundaries(folder: Path) -> Path:
    """Write the plan and its ``districts.geojson`` into ``folder``; the plan file's path."""
    features = [
        {"type": "Feature", "properties": {"district": code}, "geometry": _square(59.55 + i * 0.05, 36.26, 0.05)}
        for i, code in enumerate(("d04", "d05", "d06"))
    ]
    features.append({"type": "Feature", "properties": {"city": True}, "geometry": _square(59.5, 36.2, 0.3)})
    (folder / "districts.geojson").write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    plan = folder / "plan.yaml"
    plan.write_text(
        BUNDLED_PLAN.read_text(encoding="utf-8") + "\ndistrict_boundaries: districts.geojson\n", encoding="utf-8"
    )
    return plan
