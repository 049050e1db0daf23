"""Which existing problem each new group of findings keeps, so problem ids survive a re-run."""

from __future__ import annotations

from collections.abc import Collection

import numpy as np
import pandas as pd


def keep_problems(labels: np.ndarray, current: np.ndarray, confirmed: Collection[int]) -> dict[int, int]:
    """Group label -> the existing problem it keeps: each problem goes to the group holding most
    of its findings (confirmed problems first, then larger overlaps, then lower ids), and each
    group keeps at most one problem. ``current[i]`` is finding i's problem now, or -1."""
    linked = pd.DataFrame({"group": labels, "problem": current})
    overlap = linked[linked.problem >= 0].value_counts().rename("shared").reset_index()
    overlap["confirmed"] = overlap.problem.isin(list(confirmed))
    overlap = overlap.sort_values(["confirmed", "shared", "problem"], ascending=[False, False, True])
    kept: dict[int, int] = {}
    taken: set[int] = set()
    for group, problem in zip(overlap.group.tolist(), overlap.problem.tolist(), strict=True):
        if group not in kept and problem not in taken:
            kept[group] = problem
            taken.add(problem)
    return kept
