"""Grouping complaints into problems: the same issue at the same place, and people's decisions.

Each complaint is read as an issue at a place (``reading``) and becomes a unit vector: its
lexicon issues (weighted ``ISSUE_WEIGHT`` times) and its other content words, TF-IDF weighted,
in columns of its own places (a later place weighs less), so complaints about different places
never share a column and their cosine is 0 ("different place, different problem"). Complaints
that read the same are one row.

Candidates are every pair of complaints at the same place sharing an issue or a word: the
sparse product of the vectors, exact, computed in chunks of rows; at a place with more than
``WIDE_PLACE`` complaints, those naming an issue are compared only with those sharing one.
Pairs whose cosine reaches the threshold are linked; within each linked set, average linkage
(``upgma``, over units of complaints naming the same places and issues) keeps together only
complaints whose mean cosine reaches the threshold, so one complaint naming two issues does
not chain two problems into one. People's decisions come
last, as in ``grouping.link``: a together pair is always linked, an apart pair never grouped.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.sparse.csgraph import connected_components

from backend.integration import DEFAULT_THRESHOLD
from backend.integration.grouping import Grouping, Pair, centres, link
from backend.integration.reading import Reader, Reading, lexicon
from backend.integration.similarity import cosine

ISSUE_WEIGHT = 6.0  # an issue of the lexicon weighs this many times a word of the same rarity
# each further issue a complaint names weighs this much of the one before (the first is the complaint)
LATER_ISSUE = 0.5
LATER_PLACE = 0.5  # likewise each further place (the first is where the complaint is)
WIDE_PLACE = 3_000  # complaints at one place above which candidates must share an issue
PRODUCT_ROWS = 4_000  # rows of the candidate product computed at once
LARGEST_AVERAGED = 3_000  # linked sets of more units than this stay as linked (average linkage is cubic)
_DECIDED = 2.0  # the strength of a together decision: above any cosine


@dataclass(frozen=True)
class Integration(Grouping):
    """A grouping of complaints, with each complaint's reading and why it is in its problem:
    ``reasons[i]`` is a JSON-ready dict (see ``reason``)."""

    readings: list[Reading]
    reasons: list[dict[str, Any]]


def reading_vectors(readings: Sequence[Reading]) -> tuple[sparse.csr_matrix, np.ndarray]:
    """Unit TF-IDF rows of (place, feature) columns, and which columns are issues."""
    rows, features, weights = [], [], []
    for row, reading in enumerate(readings):
        named = [(f"#{issue}", ISSUE_WEIGHT * LATER_ISSUE**n) for n, issue in enumerate(reading.issues)]
        for feature, weight in named + [(term, 1.0) for term in dict.fromkeys(reading.terms)]:
            for n, place in enumerate(reading.places or ("",)):
                rows.append(row)
                features.append((place, feature))
                weights.append(weight * LATER_PLACE**n)
    size = len(readings)
    if not features:
        return sparse.csr_matrix((size, 0), dtype=np.float32), np.zeros(0, dtype=bool)
    frame = pd.DataFrame(features, columns=["place", "feature"])
    columns, _ = pd.factorize(frame.place + "\x00" + frame.feature)
    feature = pd.factorize(frame.feature)[0]
    is_issue = frame.feature.str.startswith("#").to_numpy()
    idf = np.log((1 + size) / (1 + np.bincount(feature))) + 1
    weight = idf[feature] * np.asarray(weights)
    matrix = sparse.csr_matrix(
        (weight.astype(np.float32), (np.asarray(rows), columns)), shape=(size, int(columns.max()) + 1)
    )
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    matrix = sparse.csr_matrix(sparse.diags(1 / np.maximum(norms, 1e-12)) @ matrix, dtype=np.float32)
    matrix.sort_indices()
    issue_columns = np.zeros(matrix.shape[1], dtype=bool)
    issue_columns[columns[is_issue]] = True
    return matrix, issue_columns


def _candidate_matrix(
    vectors: sparse.csr_matrix, issue_columns: np.ndarray, places: Sequence[tuple[str, ...]]
) -> sparse.csr_matrix:
    """``vectors``, except that at a place with more than ``WIDE_PLACE`` complaints the rows that
    name an issue keep only their issue columns."""
    place = pd.Series(list(places))
    wide = (place.map(place.value_counts()) > WIDE_PLACE).to_numpy()
    owner = np.repeat(np.arange(vectors.shape[0]), np.diff(vectors.indptr))
    on_issue = issue_columns[vectors.indices]
    named = np.bincount(owner[on_issue], minlength=vectors.shape[0]) > 0
    drop = (wide & named)[owner] & ~on_issue
    if not drop.any():
        return vectors
    kept = vectors.copy()
    kept.data[drop] = 0
    kept.eliminate_zeros()
    return kept


def similar_pairs(
    vectors: sparse.csr_matrix, candidates: sparse.csr_matrix, threshold: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pairs ``i < j`` sharing a column of ``candidates`` whose cosine reaches ``threshold``."""
    lefts, rights = [], []
    transposed = candidates.T.tocsr()
    for start in range(0, candidates.shape[0], PRODUCT_ROWS):
        product = (candidates[start : start + PRODUCT_ROWS] @ transposed).tocoo()
        left = product.row.astype(np.int64) + start
        upper = product.col > left
        lefts.append(left[upper])
        rights.append(product.col[upper].astype(np.int64))
    left = np.concatenate(lefts) if lefts else np.empty(0, np.int64)
    right = np.concatenate(rights) if rights else np.empty(0, np.int64)
    strength = cosine(vectors, left, right)
    close = strength >= threshold - 1e-6
    return left[close], right[close], strength[close]


def upgma(similarity: np.ndarray, weights: np.ndarray, threshold: float) -> np.ndarray:
    """Average linkage (UPGMA) of units with mean pairwise cosines ``similarity`` and sizes
    ``weights``: the closest two clusters merge while their mean cosine reaches ``threshold``.
    Returns each unit's cluster (the index of one of its units)."""
    close = similarity.astype(np.float64, copy=True)
    np.fill_diagonal(close, -np.inf)
    size = weights.astype(np.float64, copy=True)
    cluster = np.arange(len(close))
    while len(close) > 1:
        a, b = divmod(int(np.argmax(close)), len(close))
        if close[a, b] < threshold - 1e-6:
            break
        merged = (size[a] * close[a] + size[b] * close[b]) / (size[a] + size[b])
        close[a], close[:, a] = merged, merged
        close[a, a] = -np.inf
        close[b], close[:, b] = -np.inf, -np.inf
        size[a] += size[b]
        cluster[cluster == b] = a
    return cluster


def _average_linkage(
    vectors: sparse.csr_matrix, units: np.ndarray, left: np.ndarray, right: np.ndarray, threshold: float
) -> np.ndarray:
    """Labels of average-linkage clusters at ``threshold`` within each set linked by (left, right).

    Rows of one ``units`` value (complaints naming the same places and issues) start as one
    cluster; the mean cosine of two clusters is the dot product of their summed vectors over the
    product of their sizes, so the linkage runs on units, not rows."""
    size = vectors.shape[0]
    graph = sparse.coo_matrix((np.ones(len(left), np.int8), (left, right)), shape=(size, size))
    labels = connected_components(graph, directed=False)[1]
    sizes = np.bincount(labels)
    linked = np.bincount(labels[left], minlength=len(sizes))
    cliques = linked == sizes * (sizes - 1) // 2  # every pair close enough: one problem as it stands
    order = np.argsort(labels, kind="stable")
    bounds = np.concatenate([[0], np.cumsum(sizes)])
    ordered = vectors[order]
    result = labels.copy()
    next_label = int(labels.max()) + 1 if size else 0
    for component in np.flatnonzero((sizes > 2) & ~cliques).tolist():
        rows = slice(bounds[component], bounds[component + 1])
        unit = np.unique(units[order[rows]], return_inverse=True)[1].ravel()
        if unit.max() >= LARGEST_AVERAGED:
            continue
        block = ordered[rows]
        members = sparse.csr_matrix((np.ones(len(unit), np.float32), (unit, np.arange(len(unit)))))
        sums = (members @ block[:, np.unique(block.indices)]).toarray()  # a place's few columns: BLAS
        counts = np.bincount(unit).astype(np.float64)
        clusters = upgma(sums @ sums.T / np.outer(counts, counts), counts, threshold)
        result[order[rows]] = next_label + clusters[unit]
        next_label += len(counts)
    return np.unique(result, return_inverse=True)[1].ravel()


def _medoid_edges(vectors: sparse.csr_matrix, clusters: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each member of a cluster linked to its cluster's most central member, with their cosine."""
    central = centres(vectors, clusters) if vectors.shape[1] else np.arange(len(clusters))
    member = np.flatnonzero(central != np.arange(len(clusters)))
    return member, central[member], cosine(vectors, member, central[member])


def reason(mine: Reading, central: Reading, decided: bool) -> dict[str, Any]:
    """Why a complaint is in its problem, against the problem's most central complaint: the place
    they share (its label as the central complaint writes it, or None), whether neither names one
    (city-wide), the issues they share (labels), else the words they share (stems), and ``by``
    "person" when they share no place or nothing else but a person put it there, else "machine"."""
    labels = lexicon().issues
    shared = [labels[code].label for code in mine.issues if code in central.issues]
    place = next((label for key, label in zip(central.places, central.labels, strict=True) if key in mine.places), None)
    words = sorted(set(mine.terms) & set(central.terms))
    apart = place is None and bool(mine.places or central.places)
    by = "person" if decided and (apart or not (shared or words)) else "machine"
    return {
        "place": place,
        "city_wide": not mine.places and not central.places,
        "issues": shared,
        "words": [] if shared else words[:5],
        "by": by,
    }


def describe(why: dict[str, Any] | None) -> str:
    """A reason as one line for operators: ``same place: بلوار احمدآباد; same issue: ترافیک``."""
    if not why:
        return "—"
    if why.get("by") == "person":
        return "a person's decision"
    parts = [
        f"same place: {why['place']}" if why.get("place") else "city-wide" if why.get("city_wide") else "other place"
    ]
    if why.get("issues"):
        parts.append(f"same issue: {'، '.join(why['issues'])}")
    if why.get("words"):
        parts.append(f"shared words: {'، '.join(why['words'])}")
    return "; ".join(parts)


def group_complaints(
    normalized: Sequence[str],
    *,
    threshold: float = DEFAULT_THRESHOLD,
    together: Iterable[Pair] = (),
    apart: Sequence[Pair] = (),
    places: Iterable[str] = (),
) -> Integration:
    """Group normalized complaints (``Finding.normalized_text``) into problems; ``together`` and
    ``apart`` are pairs of indices that people decided on; ``places`` are the city's place names
    the plan lists (with or without their markers)."""
    if not 0 < threshold <= 1:
        raise ValueError(f"the similarity threshold must be in (0, 1], not {threshold}")
    readings = Reader().read_all(normalized, places)
    first_of: dict[Any, int] = {}
    same = np.array(
        [
            first_of.setdefault(
                (r.places, r.issues, tuple(sorted(set(r.terms)))) if r.issues or r.terms else ("", i), i
            )
            for i, r in enumerate(readings)
        ],
        dtype=np.int64,
    )
    distinct = np.flatnonzero(same == np.arange(len(readings)))
    vectors, issue_columns = reading_vectors([readings[i] for i in distinct])
    candidates = _candidate_matrix(vectors, issue_columns, [readings[i].places[:1] for i in distinct])
    near_left, near_right, _ = similar_pairs(vectors, candidates, threshold)
    units = pd.factorize(
        pd.Series(
            [(r.places, r.issues) if r.issues else i for i, r in ((i, readings[i]) for i in distinct)], dtype=object
        )
    )[0]
    clusters = _average_linkage(vectors, units, near_left, near_right, threshold)
    member, central, strength = _medoid_edges(vectors, clusters)
    decided = np.asarray(list(together), dtype=np.int64).reshape(-1, 2)
    copies = np.flatnonzero(same != np.arange(len(readings)))
    left = np.concatenate([decided[:, 0], copies, distinct[member]])
    right = np.concatenate([decided[:, 1], same[copies], distinct[central]])
    strength = np.concatenate([np.full(len(decided), _DECIDED), np.ones(len(copies)), strength])
    labels = link(len(readings), left, right, strength, apart)
    row_of = np.empty(len(readings), dtype=np.int64)
    row_of[distinct] = np.arange(len(distinct))
    rows = row_of[same]
    canonical = (
        centres(vectors[rows], labels)
        if vectors.shape[1] and len(rows)
        else np.unique(labels, return_index=True)[1][labels]
    )
    closeness = cosine(vectors, rows, rows[canonical]) if len(rows) else np.empty(0, np.float32)
    closeness[rows == rows[canonical]] = 1.0
    by_person = set(decided.ravel().tolist())
    reasons = [reason(readings[i], readings[c], i in by_person) for i, c in enumerate(canonical.tolist())]
    return Integration(labels, canonical, closeness, readings, reasons)
