"""The hand-written labeled complaints (``tests/data/integration/``) and how a grouping of them
is scored: pairwise precision and recall, and the adjusted Rand index."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml
from sklearn.metrics import adjusted_rand_score
from sklearn.metrics.cluster import pair_confusion_matrix

CORPUS_DIR = Path(__file__).resolve().parents[2] / "tests" / "data" / "integration"
TUNE, HOLDOUT = CORPUS_DIR / "complaints_tune.yaml", CORPUS_DIR / "complaints_holdout.yaml"


@dataclass(frozen=True)
class LabeledComplaint:
    """A complaint as written, the problem a planner says it belongs to (its id), that problem's
    place and axis, and the category it was filed under."""

    text: str
    problem: str
    place: str
    axis: str
    category: str


@dataclass(frozen=True)
class Scores:
    """Pairwise precision and recall of a grouping against the labels, and its adjusted Rand index."""

    precision: float
    recall: float
    ari: float

    def rounded(self) -> dict[str, float]:
        return {"precision": round(self.precision, 4), "recall": round(self.recall, 4), "ari": round(self.ari, 4)}


def load(path: Path) -> list[LabeledComplaint]:
    """The complaints of a labeled corpus file, problem by problem."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [
        LabeledComplaint(str(s["text"]), p["id"], p.get("place") or "", p["axis"], s.get("category") or p["axis"])
        for p in data["problems"]
        for s in p["statements"]
    ]


def score(truth: Sequence[object], predicted: Sequence[object]) -> Scores:
    """Over all pairs of complaints: how many put together were truly together (precision), how
    many truly together were put together (recall); and the adjusted Rand index."""
    (_, false_together), (false_apart, together) = pair_confusion_matrix(truth, predicted)
    precision = together / (together + false_together) if together + false_together else 1.0
    recall = together / (together + false_apart) if together + false_apart else 1.0
    return Scores(float(precision), float(recall), float(adjusted_rand_score(truth, predicted)))
