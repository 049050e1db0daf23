"""How alike statements are, and which pairs are alike enough to be one problem.

Statements are compared by the cosine similarity of TF-IDF vectors (scikit-learn's
``TfidfTransformer``) of the character 4-grams of their matching form (see ``Encoded``),
which drops spaces and zero-width non-joiners because Persian writers split and join words
freely (می‌شود, می شود, میشود). The 4-grams are counted in numpy, hashed into 2**24 columns.

Comparing every pair is quadratic, so ``similar_pairs`` looks only at the neighbours that
MinHash locality-sensitive hashing proposes (Broder 1997; Leskovec, Rajaraman and Ullman,
*Mining of Massive Datasets*, ch. 3): statements whose sets of character 8-grams overlap
much share a bucket in at least one band with high probability, and only those candidate
pairs get an exact cosine. With 20 bands of 5 hashes a pair whose 8-gram sets overlap 70 %
becomes a candidate with probability 0.97, one overlapping 30 % with 0.05.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, cached_property

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfTransformer

_FOLD = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ة": "ه", "ۀ": "ه", "ؤ": "و", "ئ": "ی"})
COLUMN_BITS = 24  # 4-grams are hashed into 2**24 columns
BANDS, ROWS = 20, 5  # MinHash bands and hashes per band
SAMPLE_EVERY = 6  # one 8-gram in six (chosen by its hash, so the same ones in every statement)
MAX_BUCKET = 100  # statements compared within one bucket; larger buckets are linked in a chain
VERIFY_CHUNK = 50_000  # candidate pairs whose exact cosine is computed at once
_U64 = np.uint64


@cache
def _fold_table() -> np.ndarray:
    """Code point -> its matching form's code point, or 0 for a character that is dropped."""
    table = np.zeros(0x10000, dtype=np.uint32)
    for code in range(0x10000):
        folded = chr(code).lower().translate(_FOLD)[:1]
        if folded.isalnum():
            table[code] = ord(folded)
    return table


def _mix(values: np.ndarray) -> np.ndarray:
    """SplitMix64's finalizer: a well-spread 64-bit hash of 64-bit values."""
    values = (values ^ (values >> _U64(30))) * _U64(0xBF58476D1CE4E5B9)
    values = (values ^ (values >> _U64(27))) * _U64(0x94D049BB133111EB)
    return values ^ (values >> _U64(31))


@dataclass(frozen=True)
class Encoded:
    """Statements' matching forms as one array of code points, with each statement's start.

    The matching form of a normalized statement (``Finding.normalized_text``) is lower case,
    with alef, heh and hamza-seat variants folded, and keeps nothing but letters and digits.
    """

    codes: np.ndarray
    starts: np.ndarray

    def __len__(self) -> int:
        return len(self.starts) - 1

    def key(self, row: int) -> bytes:
        """Statement ``row``'s matching form, for finding identical ones."""
        return self.codes[self.starts[row] : self.starts[row + 1]].tobytes()

    def subset(self, keep: np.ndarray) -> Encoded:
        """The statements where the boolean array ``keep`` is true, in order."""
        starts = np.zeros(int(keep.sum()) + 1, dtype=np.int64)
        np.cumsum(np.diff(self.starts)[keep], out=starts[1:])
        return Encoded(self.codes[np.repeat(keep, np.diff(self.starts))], starts)

    @cached_property
    def four_grams(self) -> np.ndarray:
        """The 4-gram starting at each code point (meaningless for the last three of a statement)."""
        codes = np.concatenate([self.codes, np.zeros(3, dtype=np.uint32)]).astype(_U64)
        return (codes[:-3] << _U64(48)) | (codes[1:-2] << _U64(32)) | (codes[2:-1] << _U64(16)) | codes[3:]

    def windows(self, n: int) -> tuple[np.ndarray, np.ndarray]:
        """The start of every run of ``n`` code points inside one statement, statement by statement,
        and where each statement's runs begin among them (a CSR row pointer)."""
        inside = np.ones(len(self.codes), dtype=bool)
        for back in range(1, n):  # no run starts in a statement's last n - 1 code points
            ends = self.starts[1:] - back
            inside[ends[ends >= self.starts[:-1]]] = False
        rows = np.zeros(len(self) + 1, dtype=np.int64)
        np.cumsum(np.maximum(np.diff(self.starts) - (n - 1), 0), out=rows[1:])
        return np.flatnonzero(inside), rows


def _sums(values: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """Per row of the row pointer ``rows``, the sum of its stretch of ``values``."""
    running = np.concatenate([[0], np.cumsum(values, dtype=np.int64)])
    return running[rows[1:]] - running[rows[:-1]]


def encode(normalized: Sequence[str]) -> Encoded:
    """The matching forms of normalized statements (characters beyond U+FFFF are dropped)."""
    raw = np.frombuffer("".join(normalized).encode("utf-32-le"), dtype=np.uint32)
    folded = _fold_table()[np.minimum(raw, 0xFFFF)]
    kept = folded != 0
    rows = np.zeros(len(normalized) + 1, dtype=np.int64)
    np.cumsum(np.fromiter(map(len, normalized), np.int64, len(normalized)), out=rows[1:])
    starts = np.zeros(len(normalized) + 1, dtype=np.int64)
    np.cumsum(_sums(kept, rows), out=starts[1:])
    return Encoded(folded[kept], starts)


def vectorize(encoded: Encoded) -> sparse.csr_matrix:
    """Unit-length TF-IDF vectors (sublinear term frequency) of each statement's character 4-grams,
    with sorted column indices."""
    position, rows = encoded.windows(4)
    hashed = (_mix(encoded.four_grams[position]) >> _U64(64 - COLUMN_BITS)).astype(np.int64)
    used = np.zeros(1 << COLUMN_BITS, dtype=bool)
    used[hashed] = True
    column = (np.cumsum(used, dtype=np.int32) - 1)[hashed]
    counts = sparse.csr_matrix(
        (np.ones(len(position), dtype=np.float32), column, rows), shape=(len(encoded), int(used.sum()))
    )
    counts.sum_duplicates()
    if not counts.nnz:  # nothing to weigh: no statement has four letters
        return counts
    vectors = sparse.csr_matrix(TfidfTransformer(sublinear_tf=True).fit_transform(counts), dtype=np.float32)
    vectors.sort_indices()
    return vectors


def _signatures(encoded: Encoded, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """MinHash signatures (BANDS * ROWS by statement) of the sampled 8-grams, and the statements
    that have any."""
    position, rows = encoded.windows(8)
    grams = encoded.four_grams
    shingles = _mix(grams[position] * _U64(0x9E3779B97F4A7C15) ^ grams[position + 4])
    sampled = shingles % _U64(SAMPLE_EVERY) == 0
    shingles = (shingles[sampled] >> _U64(32)).astype(np.uint32)
    per_row = _sums(sampled, rows)
    has = np.flatnonzero(per_row)
    starts = (np.cumsum(per_row) - per_row)[has]
    if not len(has):
        return np.empty((BANDS * ROWS, 0), dtype=np.uint32), has
    rng = np.random.default_rng(seed)
    salts = rng.integers(0, 2**32, size=BANDS * ROWS, dtype=np.uint32)
    factors = rng.integers(0, 2**32, size=BANDS * ROWS, dtype=np.uint32) | np.uint32(1)
    signatures = np.empty((BANDS * ROWS, len(has)), dtype=np.uint32)
    for first in range(0, BANDS * ROWS, 16):
        part = slice(first, first + 16)
        hashed = (shingles[None, :] ^ salts[part, None]) * factors[part, None]
        hashed ^= hashed >> np.uint32(16)
        signatures[part] = np.minimum.reduceat(hashed, starts, axis=1)
    return signatures, has


def candidate_pairs(encoded: Encoded, *, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Pairs ``i < j`` of statements sharing a bucket in some MinHash band, each pair once."""
    signatures, has = _signatures(encoded, seed)
    found = []
    for band in range(BANDS):
        bucket = np.zeros(len(has), dtype=_U64)
        for row in signatures[band * ROWS : (band + 1) * ROWS]:
            bucket = _mix(bucket ^ row.astype(_U64))
        order = np.argsort(bucket)
        ordered = bucket[order]
        for step in range(1, MAX_BUCKET):
            same = ordered[step:] == ordered[:-step]
            if not same.any():
                break
            first, second = has[order[:-step][same]], has[order[step:][same]]
            found.append(np.minimum(first, second) * len(encoded) + np.maximum(first, second))
    pairs = np.unique(np.concatenate(found)) if found else np.empty(0, dtype=np.int64)
    return pairs // len(encoded), pairs % len(encoded)


def cosine(vectors: sparse.csr_matrix, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """The cosine similarity of unit rows ``left[k]`` and ``right[k]`` for every k."""
    similarity = np.empty(len(left), dtype=np.float32)
    for start in range(0, len(left), VERIFY_CHUNK):
        part = slice(start, start + VERIFY_CHUNK)
        similarity[part] = np.asarray(vectors[left[part]].multiply(vectors[right[part]]).sum(axis=1)).ravel()
    return similarity


def similar_pairs(
    encoded: Encoded, vectors: sparse.csr_matrix, threshold: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pairs ``i < j`` of statements with cosine similarity of at least ``threshold``, as arrays
    (i, j, similarity); ``vectors`` is ``vectorize(encoded)``."""
    left, right = candidate_pairs(encoded)
    similarity = cosine(vectors, left, right)
    close = similarity >= threshold
    return left[close], right[close], similarity[close]
