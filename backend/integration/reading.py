"""Reading a complaint as an issue at a place.

A complaint's greetings and closings are removed (``strip_politeness``); its words are folded
(Arabic ي/ك, alef and heh variants, half-spaces) and lightly stemmed (``stem``: plural ها/های,
verb prefixes می/نمی, a final colloquial ه, ی or ا). Its place is the name after a place marker
(خیابان، بلوار، میدان، محله …), or a name of the gazetteer (learned from the names after
markers in all the complaints read together, plus the plan's list of places) found without a
marker. Its issue is what the lexicon's issues it names (زباله and آشغال are both ``waste``)
and its other content words. Everything the method knows of Persian is in ``lexicon.yaml``.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import yaml

from backend.text import normalize_persian

LEXICON = Path(__file__).with_name("lexicon.yaml")
_FOLD = str.maketrans(
    {"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ة": "ه", "ۀ": "ه", "ؤ": "و", "ئ": "ی", "ە": "ه", "ھ": "ه", "\u200c": None}
)
_WORD = re.compile(r"[\w\u200c]+")
_LONGEST_PHRASE = 7  # words joined when looking up a phrase
_LEARNED_AFTER = 2  # a name seen after a marker this often is also recognized without one
_PLURALS = ("هایی", "های", "ها")
_VERB_PREFIXES = ("نمی", "می")
_ENCLITICS = ("هاشون", "اشون", "شون", "تون", "مون", "مو", "شو", "ش", "م", "ت", "ا")  # ترافیکش، ماشینمو، سگا


@lru_cache(maxsize=1 << 18)
def fold(word: str) -> str:
    """A word's matching form: lower case, alef/heh/hamza-seat variants folded, half-spaces dropped."""
    return word.lower().translate(_FOLD)


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """A folded word without plural ها/های, verb prefix می/نمی and a final colloquial ه, ی or ا
    (سنگینه → سنگین، زباله‌ها → زبال، آشغالای → اشغال، نمی‌شود → شود); the same stem for every form."""
    for prefix in _VERB_PREFIXES:
        if word.startswith(prefix) and len(word) - len(prefix) >= 3:
            word = word[len(prefix) :]
            break
    for plural in _PLURALS:
        if word.endswith(plural) and len(word) - len(plural) >= 2:
            word = word[: -len(plural)]
            break
    for ending, shortest in (("ی", 4), ("ه", 4), ("ا", 5)):  # colloquial plural: آشغالا
        if word.endswith(ending) and len(word) >= shortest:
            word = word[:-1]
    return word


@lru_cache(maxsize=1 << 16)
def _bare(word: str) -> tuple[str, ...]:
    """A folded word without each enclitic it may end with."""
    return tuple(word[: -len(e)] for e in _ENCLITICS if word.endswith(e) and len(word) - len(e) >= 2)


def _key(words: Iterable[str]) -> str:
    """The lookup key of a phrase: its folded words joined without spaces, stemmed."""
    return stem("".join(fold(w) for w in words))


def _keys(words: Sequence[str]) -> set[str]:
    """The keys a phrase is found by: joined then stemmed (جمع‌آوری = جمع آوری), and each word
    stemmed then joined (تیرهای برق = تیر برق)."""
    return {_key(words), "".join(stem(fold(w)) for w in words)}


@dataclass(frozen=True)
class Issue:
    """An issue of the lexicon: its code and the Persian label a merge's explanation shows."""

    code: str
    label: str


class Lexicon:
    """The municipal lexicon (``lexicon.yaml``): politeness formulas, place markers, name heads
    and tails, stopwords and issues with their forms, as lookup keys."""

    def __init__(self, data: dict[str, Any]) -> None:
        """``data``: the parsed YAML document, whose shape ``lexicon.yaml`` sets."""
        self.politeness: set[str] = set().union(*(_keys(normalize_persian(f).split()) for f in data["politeness"]))
        self.heads = {_key(h.split()) for h in data["name_heads"]}
        self.tails = {_key(t.split()) for t in data["name_tails"]}
        self.stopwords = {_key([w]) for w in data["stopwords"]}
        self.issues: dict[str, Issue] = {}
        self.forms: dict[str, str] = {}
        for code, spec in data["issues"].items():
            self.issues[code] = Issue(code, spec["label"])
            for form in spec["forms"]:
                for key in _keys(str(form).split()):
                    self.forms.setdefault(key, code)
        self.markers: set[str] = set().union(*(_keys(m.split()) for m in data["place_markers"]))
        self.facilities = {key: fold(m).replace(" ", "") for m in data["facility_markers"] for key in _keys(m.split())}
        self.markers |= set(self.facilities)
        self._tables: dict[str, dict[str, str] | set[str]] = {
            "forms": self.forms,
            "markers": self.markers,
            "politeness": self.politeness,
        }
        self._starts = {
            name: {key[:n] for key in keys for n in range(1, len(key) + 1)} for name, keys in self._tables.items()
        }
        self.prefixes = set().union(*self._starts.values())
        self._phrases = lru_cache(maxsize=1 << 18)(self._phrase)
        self.may_start = lru_cache(maxsize=1 << 18)(self._could_start)

    def _could_start(self, word: str, table: str) -> bool:
        """Whether a phrase of ``table`` (forms, markers or politeness) could start with ``word``."""
        starts = self._starts[table]
        return word in starts or stem(word) in starts or any(stem(b) in starts for b in _bare(word))

    def phrase_at(self, folded: Sequence[str], i: int, table: str) -> tuple[int, str]:
        """The longest phrase from ``folded[i]`` with a key in ``table`` (forms, markers or
        politeness): its number of words (0 if none) and key. A last word may carry an enclitic
        (ترافیکش، سگا)."""
        if not self.may_start(folded[i], table):
            return 0, ""
        return self._phrases(tuple(folded[i : i + _LONGEST_PHRASE]), table)

    def _phrase(self, words: tuple[str, ...], name: str) -> tuple[int, str]:
        table = self._tables[name]
        best, found, joined, stems = 0, "", "", ""
        for k, word in enumerate(words, start=1):
            joined, stems = joined + word, stems + stem(word)
            for key in (stem(joined), stems, *(stem(joined[: len(joined) - len(word)] + bare) for bare in _bare(word))):
                if key in table:
                    best, found = k, key
                    break
            if joined not in self.prefixes and stems not in self.prefixes:
                break
        return best, found

    def is_stopword(self, word: str) -> bool:
        return word in self.stopwords or stem(word) in self.stopwords


@cache
def lexicon() -> Lexicon:
    """The bundled lexicon."""
    return Lexicon(yaml.safe_load(LEXICON.read_text(encoding="utf-8")))


def strip_politeness(text: str, words: Lexicon | None = None) -> str:
    """``text`` (normalized, see ``normalize_persian``) without greetings, courtesies and closings,
    and without the punctuation they leave behind."""
    words = words or lexicon()
    found = list(_WORD.finditer(text))
    folded = [fold(m.group()) for m in found]
    kept, at, i = [], 0, 0
    while i < len(found):
        length, _ = words.phrase_at(folded, i, "politeness")
        if length:
            kept.append(text[at : found[i].start()])
            at, i = found[i + length - 1].end(), i + length
        else:
            i += 1
    kept.append(text[at:])
    joined = re.sub(r"\s*([،,.!؟?؛;:])(?:\s*[،,.!؟?؛;:])+", r"\1", " ".join(kept))
    return re.sub(r"\s+", " ", joined).strip(" \n\t،,.!؟?؛;:-")


@dataclass(frozen=True)
class Reading:
    """A complaint read as an issue at a place: the keys of the places it names (their names
    folded, in order; none for a city-wide complaint) and their labels as written (بلوار
    احمدآباد), the lexicon's issues it names in order, and its other content words' stems."""

    places: tuple[str, ...]
    labels: tuple[str, ...]
    issues: tuple[str, ...]
    terms: tuple[str, ...]


class Gazetteer(frozenset[str]):
    """Keys of place names recognized without a marker, with their first three letters (a quick test)."""

    def __init__(self, keys: Iterable[str] = ()) -> None:
        super().__init__()
        self.heads = {key[:3] for key in self}


@dataclass(frozen=True, slots=True)
class _Word:
    folded: str
    stem: str
    marker: bool  # a place marker may start here
    polite: bool  # a politeness formula may start here
    form: bool  # an issue's form may start here
    term: bool  # a content word (not a stopword, number or single letter)
    content: bool  # may be part of a place's name


@dataclass(frozen=True)
class _Name:
    start: int  # the marker's word
    end: int  # after the name's last word
    key: str  # the name's key; a facility's starts with its marker (پارک:ملت)


class Reader:
    """Reads complaints together: the names after markers in all of them (and ``places``, the
    plan's list) make the gazetteer that finds a place named without its marker."""

    def __init__(self, words: Lexicon | None = None) -> None:
        self.words = words or lexicon()
        self._content = lru_cache(maxsize=1 << 18)(self._could_be_name)
        self._words: dict[str, _Word] = {}

    def _could_be_name(self, word: str) -> bool:
        """Whether a folded word can be part of a place's name."""
        if word.isdigit():
            return True
        w = self.words
        return len(word) > 1 and not (w.is_stopword(word) or stem(word) in w.markers or stem(word) in w.forms)

    def _word(self, surface: str) -> _Word:
        """What a written word may be, worked out once per spelling."""
        known = self._words.get(surface)
        if known is None:
            w, folded = self.words, fold(surface)
            known = _Word(
                folded,
                stem(folded),
                w.may_start(folded, "markers"),
                w.may_start(folded, "politeness"),
                w.may_start(folded, "forms"),
                not w.is_stopword(folded) and not folded.isdigit() and len(folded) > 1,
                self._content(folded),
            )
            if len(self._words) < 1 << 20:
                self._words[surface] = known
        return known

    def _name_after(self, folded: Sequence[str], i: int) -> _Name | None:
        """The place name after the marker at ``i`` (one word, two when the first is a head such as
        امام or the second a tail such as آباد or a number), or None. After a facility's marker
        one issue word may come first (ایستگاه مترو وکیل‌آباد), and the key names the facility."""
        w = self.words
        marker, key = w.phrase_at(folded, i, "markers")
        if not marker:
            return None
        at = i + marker
        facility = w.facilities.get(key)
        if facility and at < len(folded) and w.phrase_at(folded, at, "forms")[0] == 1:
            at += 1
        if at >= len(folded) or not self._content(folded[at]) or w.phrase_at(folded, at, "forms")[0]:
            return None
        end = at + 1
        if (
            end < len(folded)
            and self._content(folded[end])
            and (stem(folded[at]) in w.heads or stem(folded[end]) in w.tails or folded[end].isdigit())
        ):
            end += 1
        name = _key(folded[at:end])
        return _Name(i, end, f"{facility}:{name}" if facility else name)

    def _known_name(self, folded: Sequence[str], i: int, gazetteer: Gazetteer) -> _Name | None:
        """A name of the gazetteer (two words or one, perhaps with an enclitic: احمدآبادم) at ``i``,
        without a marker, or None."""
        for k in (2, 1):
            words = list(folded[i : i + k])
            if len(words) < k or not all(map(self._content, words)) or words[-1].endswith(_PLURALS):
                continue
            last = words[-1]
            for bare in (last, *(b for b in _bare(last) if len(b) >= 3)):
                key = _key([*words[:-1], bare])
                if key in gazetteer:
                    return _Name(i, i + k, key)
        return None

    def gazetteer(self, texts: Iterable[str], places: Iterable[str] = ()) -> Gazetteer:
        """Place names recognized without a marker (a bare name is the street or area, not a
        facility named after it): those seen after a marker at least ``_LEARNED_AFTER`` times in
        ``texts``, and ``places`` (each with or without its marker: بلوار احمدآباد, الهیه)."""
        seen: Counter[str] = Counter()
        for text in texts:
            words = [self._word(w) for w in _WORD.findall(text)]
            folded = [w.folded for w in words]
            seen.update(
                {
                    name.key.rpartition(":")[2]
                    for i, word in enumerate(words)
                    if word.marker and (name := self._name_after(folded, i))
                }
            )
        known = {key for key, n in seen.items() if n >= _LEARNED_AFTER}
        for place in places:
            folded = [fold(w) for w in _WORD.findall(normalize_persian(place))]
            name = self._name_after(folded, 0)
            known.add(name.key.rpartition(":")[2] if name else _key(folded))
        return Gazetteer(known)

    def read(self, text: str, gazetteer: Gazetteer | None = None) -> Reading:
        """Read one normalized complaint; ``gazetteer`` holds names recognized without a marker."""
        w = self.words
        surface = _WORD.findall(text)
        words = [self._word(word) for word in surface]
        folded = [word.folded for word in words]
        places: dict[str, str] = {}
        issues: list[str] = []
        terms: list[str] = []
        i = 0
        while i < len(words):
            word = words[i]
            polite = w.phrase_at(folded, i, "politeness")[0] if word.polite else 0
            if polite:
                i += polite
                continue
            name = self._name_after(folded, i) if word.marker else None
            length, key = w.phrase_at(folded, i, "forms") if word.form else (0, "")
            if name is not None and length < name.end - i:  # ایستگاه مترو وکیل‌آباد: a place and an issue
                if length and length <= 2:
                    issues += [w.forms[key]] if w.forms[key] not in issues else []
                places.setdefault(name.key, " ".join(surface[name.start : name.end]))
                i = name.end
                continue
            if length:
                issues += [w.forms[key]] if w.forms[key] not in issues else []
                i += length
                continue
            if gazetteer and word.content and (word.folded[:3] in gazetteer.heads or word.stem[:3] in gazetteer.heads):
                name = self._known_name(folded, i, gazetteer)
                if name is not None:
                    places.setdefault(name.key, " ".join(surface[name.start : name.end]))
                    i = name.end
                    continue
            if word.term:
                terms.append(word.stem)
            i += 1
        return Reading(tuple(places), tuple(places.values()), tuple(issues), tuple(terms))

    def read_all(self, texts: Sequence[str], places: Iterable[str] = ()) -> list[Reading]:
        """Read complaints together (see ``gazetteer``); identical texts are read once."""
        known = self.gazetteer(set(texts), places)
        cache: dict[str, Reading] = {}
        return [cache[t] if t in cache else cache.setdefault(t, self.read(t, known)) for t in texts]
