"""What an XLSForm question type means in a chat: one of ours, metadata, ignored, or refused.

pyxform knows each type and its old aliases (``select one``, ``add text prompt``, ``gps``,
``phone number``...) by what it asks for: the control tag, the bind type, the media type
and the preload. We classify by that, so every alias pyxform accepts is covered.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pyxform.question_type_dictionary import QUESTION_TYPE_DICT

from backend.surveys.model import QuestionType

_OURS = {t.value: t for t in QuestionType if t not in (QuestionType.METADATA, QuestionType.REPEAT_MORE)}
_OURS |= {"select one": QuestionType.SELECT_ONE, "select all that apply": QuestionType.SELECT_MULTIPLE}

_BY_CONTROL = {  # (control tag, bind type) → type
    ("input", "string"): QuestionType.TEXT,
    ("input", "int"): QuestionType.INTEGER,
    ("input", "decimal"): QuestionType.DECIMAL,
    ("input", "date"): QuestionType.DATE,
    ("input", "time"): QuestionType.TIME,
    ("input", "geopoint"): QuestionType.GEOPOINT,
    ("select1", "string"): QuestionType.SELECT_ONE,
    ("select", "string"): QuestionType.SELECT_MULTIPLE,
    ("odk:rank", "odk:rank"): QuestionType.RANK,
    ("range", "int"): QuestionType.RANGE,
    ("trigger", "string"): QuestionType.ACKNOWLEDGE,
    ("trigger", None): QuestionType.ACKNOWLEDGE,
    (None, "string"): QuestionType.CALCULATE,
}
_BY_MEDIA = {
    "image/*": QuestionType.IMAGE,
    "audio/*": QuestionType.AUDIO,
    "video/*": QuestionType.VIDEO,
    "application/*": QuestionType.FILE,
}
_METADATA = {"start": "start", "end": "end", "today": "today"}  # preload parameters we fill
# What each refused kind of question would need that a chat does not have.
REFUSALS = {
    "geotrace": "a chat can share one point, not trace a line",
    "geoshape": "a chat can share one point, not draw an area",
    "barcode": "a chat has no barcode scanner",
    "dateTime": "ask for the date and the time as two questions (date, time)",
    "osm": "a chat has no OpenStreetMap editor",
    "action": "a chat does not record in the background",
    "background": "a chat does not record in the background",
    "external": "its choices live in a file that is not part of the form",
    "signature": "a chat cannot draw a signature; ask for a photo of a signed paper instead",
    "draw": "a chat cannot draw a sketch; ask for a photo instead",
    "annotate": "a chat cannot draw on a photo; ask for a photo instead",
}
DRAWN_APPEARANCES = ("signature", "draw", "annotate")


@dataclass(frozen=True)
class Kind:
    """What a row becomes: a question ``type`` (with ``metadata`` for start/end/today), or
    ``ignored`` (device metadata that has no meaning in a chat), or ``refused`` with why."""

    type: QuestionType | None = None
    metadata: str | None = None
    ignored: bool = False
    refused: str | None = None


def classify(child: Mapping[str, Any]) -> Kind:
    """The kind of one pyxform JSON question."""
    kind = str(child.get("type"))
    appearance = str(child.get("control", {}).get("appearance") or "")
    spec = QUESTION_TYPE_DICT.get(kind)
    if kind == "photo" or (spec and spec.get("control", {}).get("mediatype") == "image/*"):
        drawn = next((a for a in DRAWN_APPEARANCES if a in appearance.split()), None)
        if drawn:
            return Kind(refused=REFUSALS[drawn])
    if kind in _OURS:
        return Kind(_OURS[kind])
    if spec is None:
        return Kind(refused="pyxform does not know it either")
    control, bind = spec.get("control", {}), spec.get("bind", {})
    tag, bind_type, preload = control.get("tag"), bind.get("type"), bind.get("jr:preload")
    if preload in ("timestamp", "date"):
        return Kind(QuestionType.METADATA, metadata=_METADATA[bind["jr:preloadParams"]])
    if preload == "property" or kind == "audit":
        return Kind(ignored=True)
    if control.get("mediatype") in _BY_MEDIA:
        return Kind(_BY_MEDIA[control["mediatype"]])
    if kind.endswith("external") or kind.startswith("select one external"):
        return Kind(refused=REFUSALS["external"])
    if tag == "input" and bind.get("readonly") == "true()":
        return Kind(QuestionType.NOTE)
    if (tag, bind_type) in _BY_CONTROL:
        return Kind(_BY_CONTROL[(tag, bind_type)])
    for word in (bind_type, tag, kind.split("-")[0]):
        if word in REFUSALS:
            return Kind(refused=REFUSALS[word])
    return Kind(refused="it has no meaning in a chat")
