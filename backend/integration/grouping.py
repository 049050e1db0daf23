"""Grouping statements into problems: neighbours above a threshold, and people's decisions.

Statements whose cosine similarity reaches the threshold are linked, and each connected group
becomes one problem. People's decisions come first: a ``together`` pair is always linked, and
no group ever holds an ``apart`` pair (a confirmed split). Where an apart pair would end up in
one group, links are added strongest first (Kruskal-style) and a link that would join two
statements kept apart is left out.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.sparse.csgraph import connected_components

from backend.integration import TEXT_THRESHOLD, similarity

_DECIDED = 2.0  # the strength of a together decision: above any similarity

Pair = tuple[int, int]


@dataclass(frozen=True)
class Grouping:
    """Per statement: its group (0..groups-1), its group's canonical statement and its cosine to it."""

    labels: np.ndarray
    canonical: np.ndarray
    similarity: np.ndarray

    @property
    def groups(self) -> int:
        return int(self.labels.max()) + 1 if len(self.labels) else 0


class _Partition:
    """Union-find whose unions refuse to join statements kept apart."""

    def __init__(self, apart: Iterable[Pair]) -> None:
        self.parent: dict[int, int] = {}
        self.apart: dict[int, set[int]] = {}
        for a, b in apart:
            self.apart.setdefault(a, set()).add(b)
            self.apart.setdefault(b, set()).add(a)

    def find(self, item: int) -> int:
        root = item
        while self.parent.get(root, root) != root:
            root = self.parent[root]
        while item != root:
            self.parent[item], item = root, self.parent.get(item, item)
        return root

    def join(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra == rb or rb in self.apart.get(ra, ()):
            return
        self.parent[rb] = ra
        for other in self.apart.pop(rb, set()):
            self.apart[other].discard(rb)
            self.apart[other].add(ra)
            self.apart.setdefault(ra, set()).add(other)


def _components(size: int, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    graph = sparse.coo_matrix((np.ones(len(left), dtype=np.int8), (left, right)), shape=(size, size))
    return connected_components(graph, directed=False)[1]


def link(
    size: int, left: np.ndarray, right: np.ndarray, strength: np.ndarray, apart: Sequence[Pair] = ()
) -> np.ndarray:
    """Group labels (0..k-1) of ``size`` items linked by the pairs (``left``, ``right``) such that
    no group holds a pair of ``apart``; where that drops links, the stronger ones are kept."""
    labels = _components(size, left, right)
    apart_array = np.asarray(apart, dtype=np.int64).reshape(-1, 2)
    clashing = np.unique(labels[apart_array[:, 0]][labels[apart_array[:, 0]] == labels[apart_array[:, 1]]])
    if len(clashing):
        partition = _Partition((a, b) for a, b in apart_array.tolist())
        inside = np.isin(labels[left], clashing)
        order = np.argsort(-strength[inside], kind="stable")
        for a, b in zip(left[inside][order].tolist(), right[inside][order].tolist(), strict=True):
            partition.join(a, b)
        members = np.flatnonzero(np.isin(labels, clashing))
        roots = np.array([partition.find(m) for m in members.tolist()])
        labels = labels.copy()
        labels[members] = labels.max() + 1 + np.unique(roots, return_inverse=True)[1].ravel()
    return np.unique(labels, return_inverse=True)[1].ravel()


def centres(vectors: sparse.csr_matrix, labels: np.ndarray) -> np.ndarray:
    """Per item, the most central item of its group: the one with the largest summed cosine
    similarity to the group's items (ties to the first); ``vectors`` are unit rows with sorted indices."""
    if not len(labels):
        return labels
    width = vectors.shape[1]
    sums = sparse.csr_matrix((np.ones(len(labels), dtype=np.float32), (labels, np.arange(len(labels))))) @ vectors
    sums.sort_indices()
    sum_keys = np.repeat(np.arange(sums.shape[0], dtype=np.int64), np.diff(sums.indptr)) * width + sums.indices
    owner = np.repeat(np.arange(len(labels)), np.diff(vectors.indptr))
    at = np.searchsorted(sum_keys, labels[owner].astype(np.int64) * width + vectors.indices)
    closeness = np.bincount(owner, weights=vectors.data * sums.data[at], minlength=len(labels))
    order = np.lexsort((np.arange(len(labels)), -closeness, labels))
    return order[np.searchsorted(labels[order], np.arange(labels.max() + 1))][labels]


def most_central(normalized: Sequence[str]) -> int:
    """The index of the statement with the largest summed similarity to the others (ties to the first)."""
    return int(centres(similarity.vectorize(similarity.encode(normalized)), np.zeros(len(normalized), np.int64))[0])


def group_statements(
    normalized: Sequence[str],
    *,
    threshold: float = TEXT_THRESHOLD,
    together: Iterable[Pair] = (),
    apart: Sequence[Pair] = (),
    blocks: Sequence[Hashable] | None = None,
) -> Grouping:
    """Group normalized statements (``Finding.normalized_text``) into problems; ``together`` and
    ``apart`` are pairs of indices into ``normalized`` that people decided on; statements of
    different ``blocks`` (if given) are never grouped."""
    if not 0 < threshold <= 1:
        raise ValueError(f"the similarity threshold must be in (0, 1], not {threshold}")
    if not normalized:
        nothing = np.empty(0, dtype=np.int64)
        return Grouping(nothing, nothing, np.empty(0, dtype=np.float32))
    encoded = similarity.encode(normalized)
    first_of_key: dict[tuple[Hashable, bytes], int] = {}
    same = np.array(
        [first_of_key.setdefault((blocks[i] if blocks else None, encoded.key(i)), i) for i in range(len(encoded))],
        dtype=np.int64,
    )
    first = same == np.arange(len(encoded))
    distinct = np.flatnonzero(first)
    statements = encoded.subset(first)
    vectors = similarity.vectorize(statements)
    near_left, near_right, near = similarity.similar_pairs(statements, vectors, threshold)
    near_left, near_right = distinct[near_left], distinct[near_right]
    if blocks:
        block = pd.factorize(pd.Series(list(blocks), dtype=object))[0]
        kept = block[near_left] == block[near_right]
        near_left, near_right, near = near_left[kept], near_right[kept], near[kept]
    decided = np.asarray(list(together), dtype=np.int64).reshape(-1, 2)
    copies = np.flatnonzero(~first)
    left = np.concatenate([decided[:, 0], copies, near_left])
    right = np.concatenate([decided[:, 1], same[copies], near_right])
    strength = np.concatenate([np.full(len(decided), _DECIDED), np.ones(len(copies)), near])
    labels = link(len(encoded), left, right, strength, apart)
    row_of = np.empty(len(encoded), dtype=np.int64)
    row_of[distinct] = np.arange(len(distinct))
    rows = row_of[same]
    canonical = centres(vectors[rows], labels)
    closeness = similarity.cosine(vectors, rows, rows[canonical])
    closeness[rows == rows[canonical]] = 1.0  # the same matching form (even one too short to compare)
    return Grouping(labels, canonical, closeness)
