"""A generated corpus of stakeholder statements, for volume in benchmarks (aggregation, ranking).

It is not what measures integration: that is the hand-written labeled corpus (``labeled``).

A base statement is "<subject> <place> <time> <predicate> <consequence> <request>" in Persian or
English, and two bases share at most three of the six parts (statements that differ in only a
place or a time are hard to tell from a rewording even for a person). Each base is written
again the ways people do: Arabic-keyboard letters, Arabic-Indic or Latin digits, a dropped or spaced zero-width
non-joiner, an intensifier, a greeting or a closing, a dropped letter.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from itertools import combinations
from pathlib import Path
from typing import Any

import yaml

from backend.text import to_persian_digits

VOCABULARY = Path(__file__).with_name("corpus.yaml")
_SLOTS = ("subjects", "places", "times", "predicates", "consequences", "requests")
_MOST_SHARED = 3  # parts two base statements may have in common
_ARABIC_INDIC = str.maketrans("۰۱۲۳۴۵۶۷۸۹", "٠١٢٣٤٥٦٧٨٩")
_LATIN = str.maketrans("۰۱۲۳۴۵۶۷۸۹", "0123456789")


@dataclass(frozen=True)
class Corpus:
    """Generated statements; ``groups[i]`` is the base statement ``texts[i]`` was written from."""

    texts: list[str]
    groups: list[int]
    languages: list[str]


@dataclass
class _Parts:
    lang: str
    subject: str
    place: str
    time: str
    predicate: str
    consequence: str
    request: str
    prefix: str = ""
    suffix: str = ""

    def render(self) -> str:
        return (
            f"{self.prefix}{self.subject} {self.place} {self.time} {self.predicate} {self.consequence} "
            f"{self.request}{self.suffix}"
        )


@cache
def _vocabulary() -> dict[str, dict[str, list[str]]]:
    return yaml.safe_load(VOCABULARY.read_text(encoding="utf-8"))


def _typo(text: str, rng: random.Random) -> str:
    words = text.split(" ")
    long = [i for i, w in enumerate(words) if len(w) >= 5]
    if not long:
        return text
    i = rng.choice(long)
    cut = rng.randrange(1, len(words[i]) - 1)
    words[i] = words[i][:cut] + words[i][cut + 1 :]
    return " ".join(words)


Edit = Callable[[_Parts, random.Random], None]


def _intensify(parts: _Parts, rng: random.Random) -> None:
    parts.predicate = f"{rng.choice(_vocabulary()[parts.lang]['intensifiers'])} {parts.predicate}"


def _greet(parts: _Parts, rng: random.Random) -> None:
    parts.prefix = rng.choice(_vocabulary()[parts.lang]["prefixes"])


def _close(parts: _Parts, rng: random.Random) -> None:
    parts.suffix = rng.choice(_vocabulary()[parts.lang]["suffixes"])


def _misspell(parts: _Parts, rng: random.Random) -> None:
    parts.consequence = _typo(parts.consequence, rng)


_EDITS: tuple[Edit, ...] = (_intensify, _greet, _close, _misspell)
_FA_SPELLINGS: tuple[Callable[[str], str], ...] = (
    lambda t: t.replace("ی", "ي").replace("ک", "ك"),  # Arabic keyboard
    lambda t: t.translate(_ARABIC_INDIC),
    lambda t: t.translate(_LATIN),
    lambda t: t.replace("\u200c", " "),
    lambda t: t.replace("\u200c", ""),
)
_EN_SPELLINGS: tuple[Callable[[str], str], ...] = (str.lower, str.upper, str.capitalize, to_persian_digits)


def _variant(base: _Parts, rng: random.Random) -> str:
    parts = _Parts(**vars(base))
    for edit in rng.sample(_EDITS, rng.randint(0, 2)):
        edit(parts, rng)
    text = parts.render()
    spellings = _FA_SPELLINGS if parts.lang == "fa" else _EN_SPELLINGS
    for spell in rng.sample(spellings, rng.randint(1, 2)):
        text = spell(text)
    return text


def _combinations(sizes: Sequence[int], wanted: int, rng: random.Random) -> list[tuple[int, ...]]:
    """``wanted`` random choices of one item per slot, no two sharing more than ``_MOST_SHARED`` items."""
    too_close = list(combinations(range(len(sizes)), _MOST_SHARED + 1))
    seen: set[tuple[int, ...]] = set()
    chosen: list[tuple[int, ...]] = []
    for _ in range(100 * wanted):
        if len(chosen) == wanted:
            return chosen
        combo = tuple(rng.randrange(size) for size in sizes)
        shadows = [(*slots, *(combo[i] for i in slots)) for slots in too_close]
        if not seen.intersection(shadows):
            seen.update(shadows)
            chosen.append(combo)
    raise ValueError(f"the vocabulary is too small for {wanted} distinct statements")


def _bases(count: int, english_share: float, rng: random.Random) -> list[_Parts]:
    english = round(count * english_share)
    bases = []
    for lang, wanted in (("fa", count - english), ("en", english)):
        vocab: dict[str, Any] = _vocabulary()[lang]
        slots = [vocab[name] for name in _SLOTS]
        for combo in _combinations([len(items) for items in slots], wanted, rng):
            number = str(rng.randint(2, 40))
            words = [
                items[i].replace("{n}", to_persian_digits(number) if lang == "fa" else number)
                for items, i in zip(slots, combo, strict=True)
            ]
            bases.append(_Parts(lang, *words))
    rng.shuffle(bases)
    return bases


def generate(size: int, *, seed: int = 0, english_share: float = 0.05, mean_group: float = 2.0) -> Corpus:
    """``size`` statements in groups of one to six variants of a base statement (about
    ``mean_group`` on average), shuffled; the same seed gives the same corpus."""
    rng = random.Random(seed)
    group_sizes: list[int] = []
    total = 0
    while total < size:
        group_sizes.append(1 if rng.random() < (4 - mean_group) / 3 else rng.randint(2, 6))
        total += group_sizes[-1]
    group_sizes[-1] -= total - size
    texts, groups, languages = [], [], []
    for group, (base, n) in enumerate(zip(_bases(len(group_sizes), english_share, rng), group_sizes, strict=True)):
        texts.append(base.render())
        texts.extend(_variant(base, rng) for _ in range(n - 1))
        groups.extend([group] * n)
        languages.extend([base.lang] * n)
    order = list(range(size))
    rng.shuffle(order)
    return Corpus([texts[i] for i in order], [groups[i] for i in order], [languages[i] for i in order])
