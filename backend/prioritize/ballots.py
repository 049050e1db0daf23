"""Combining members' own rankings: the Borda count and the Schulze method.

A ballot lists candidates best first and may stop early: the candidates it leaves out are
tied below all it lists. Candidates are every one named on any ballot, in order of first
appearance, which also breaks the ties that remain.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import TypeVar

import numpy as np

C = TypeVar("C", bound=Hashable)


def _candidates(ballots: Sequence[Sequence[C]]) -> list[C]:
    for ballot in ballots:
        if len(set(ballot)) != len(ballot):
            raise ValueError(f"a ballot names a candidate twice: {list(ballot)}")
    return list(dict.fromkeys(c for ballot in ballots for c in ballot))


def borda(ballots: Sequence[Sequence[C]]) -> list[tuple[C, float]]:
    """Candidates with their Borda points, most first: among m candidates the i-th listed
    (from 0) gets m-1-i points, and those left out share the points of the places left."""
    candidates = _candidates(ballots)
    m = len(candidates)
    points = dict.fromkeys(candidates, 0.0)
    for ballot in ballots:
        for place, candidate in enumerate(ballot):
            points[candidate] += m - 1 - place
        rest = (m - 1 - len(ballot)) / 2
        for candidate in set(candidates) - set(ballot):
            points[candidate] += rest
    order = {c: i for i, c in enumerate(candidates)}
    return sorted(points.items(), key=lambda item: (-item[1], order[item[0]]))


def pairwise(ballots: Sequence[Sequence[C]], candidates: Sequence[C]) -> np.ndarray:
    """``d[i, j]``: how many ballots rank candidate i above candidate j."""
    index = {c: i for i, c in enumerate(candidates)}
    d = np.zeros((len(candidates), len(candidates)), dtype=np.int64)
    for ballot in ballots:
        place = np.full(len(candidates), len(ballot))
        place[[index[c] for c in ballot]] = np.arange(len(ballot))
        d += place[:, None] < place[None, :]
    return d


def schulze(ballots: Sequence[Sequence[C]]) -> list[C]:
    """Candidates ordered by the Schulze method: by how many others each beats on the strongest
    path of pairwise wins (Schulze 2011); ties fall to Borda points, then first appearance."""
    candidates = _candidates(ballots)
    d = pairwise(ballots, candidates)
    p = np.where(d > d.T, d, 0)
    for k in range(len(candidates)):
        p = np.maximum(p, np.minimum(p[:, k : k + 1], p[k : k + 1, :]))
    np.fill_diagonal(p, 0)
    wins = (p > p.T).sum(axis=1)
    points = dict(borda(ballots))
    order = sorted(range(len(candidates)), key=lambda i: (-wins[i], -points[candidates[i]], i))
    return [candidates[i] for i in order]
