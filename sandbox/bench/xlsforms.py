"""``meydan bench xlsforms``: how long importing each XLSForm of the corpus takes (aim: under 1 s each)."""

from __future__ import annotations

import time
from pathlib import Path

from backend.surveys.errors import SurveyImportError

CORPUS = Path(__file__).resolve().parents[2] / "tests" / "data" / "xlsforms"


def bench_xlsforms(options: object) -> dict[str, object]:
    """Seconds to import each corpus form (refused ones: to refuse it), the slowest, and the one-off
    cost of loading pyxform; skipped outside a source checkout (the corpus lives in tests/)."""
    forms = sorted(CORPUS.glob("*.xlsx"))
    if not forms:
        return {"skipped": f"no XLSForm corpus at {CORPUS}"}
    started = time.perf_counter()
    from backend.surveys.xlsform import load_xlsform

    loading = time.perf_counter() - started
    seconds: dict[str, float] = {}
    refused: list[str] = []
    for form in forms:
        started = time.perf_counter()
        try:
            load_xlsform(form)
        except SurveyImportError:
            refused.append(form.stem)
        seconds[form.stem] = round(time.perf_counter() - started, 4)
    return {
        "forms": len(forms),
        "refused": refused,
        "pyxform_load_seconds": round(loading, 3),
        "max_seconds": max(seconds.values()),
        "seconds": seconds,
    }
