"""Suggested merges: problems whose titles read alike (the same place, shared issues and words) above
``SUGGEST_THRESHOLD`` but that integration kept apart, for the committee to merge or leave. Computed
by each integration run over the live problems' titles, with the cosine and the words they share."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from sqlalchemy import delete, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.integration.matching import reading_vectors, similar_pairs
from backend.integration.reading import Reader, Reading
from backend.models import Problem, ProblemSuggestion
from backend.models.findings import RETIRED

SUGGEST_THRESHOLD = 0.3  # title cosine (issues and words, at one place) from which a merge is suggested
MOST_PER_PROBLEM = 5  # suggestions kept for each problem, the closest


def shared_words(a: Reading, b: Reading) -> list[str]:
    """What two readings share: place labels, then issues, then content words (stems)."""
    places = [label for key, label in zip(a.places, a.labels, strict=True) if key in b.places]
    return places + [i for i in a.issues if i in b.issues] + [t for t in dict.fromkeys(a.terms) if t in b.terms]


async def refresh(
    session: AsyncSession, places: Sequence[str] = (), readings: Mapping[int, Reading] | None = None
) -> int:
    """Recompute every suggestion (``places``: the plan's place names); how many there are now.
    ``readings`` of problems already read (integration's canonical statements) are not read again."""
    rows = (await session.execute(select(Problem.id, Problem.title).where(Problem.status != RETIRED))).all()
    await session.execute(delete(ProblemSuggestion))
    if len(rows) < 2:
        return 0
    known = readings or {}
    unread = [title for problem_id, title in rows if problem_id not in known]
    read = iter(Reader().read_all(unread, places) if unread else [])
    readings_now = [known[problem_id] if problem_id in known else next(read) for problem_id, _ in rows]
    vectors, _ = reading_vectors(readings_now)
    left, right, strength = similar_pairs(vectors, vectors, SUGGEST_THRESHOLD)
    order = strength.argsort()[::-1]
    kept: dict[int, int] = {}
    suggestions = []
    for i in order.tolist():
        a, b = int(left[i]), int(right[i])
        if kept.get(a, 0) >= MOST_PER_PROBLEM or kept.get(b, 0) >= MOST_PER_PROBLEM:
            continue
        kept[a], kept[b] = kept.get(a, 0) + 1, kept.get(b, 0) + 1
        suggestions.append(
            {
                "problem_id": rows[a].id,
                "other_id": rows[b].id,
                "similarity": round(float(strength[i]), 4),
                "shared": shared_words(readings_now[a], readings_now[b]),
            }
        )
    if suggestions:
        await session.execute(insert(ProblemSuggestion), suggestions)
    return len(suggestions)
