"""The machine-readable Bot API specification (``api.min.json``), loaded once on first use."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

SPEC_PATH = Path(__file__).with_name("api.min.json")
SCALAR_TYPES = frozenset({"String", "Integer", "Float", "Boolean", "True", "InputFile"})


@dataclass(frozen=True)
class FieldSpec:
    """One parameter of a method."""

    name: str
    types: tuple[str, ...]
    required: bool

    @property
    def is_json(self) -> bool:
        """True when form values of this field carry JSON (objects and arrays)."""
        return not SCALAR_TYPES.intersection(self.types)


@dataclass(frozen=True)
class MethodSpec:
    """One Bot API method: its canonical name, parameters and return types."""

    name: str
    fields: dict[str, FieldSpec]
    returns: tuple[str, ...]

    @property
    def required(self) -> list[str]:
        """Names of the required parameters, in documentation order."""
        return [f.name for f in self.fields.values() if f.required]


@cache
def load_spec() -> dict[str, Any]:
    """The raw specification (cached)."""
    with SPEC_PATH.open(encoding="utf-8") as fh:
        return json.load(fh)


@cache
def _methods() -> dict[str, MethodSpec]:
    methods: dict[str, MethodSpec] = {}
    for name, raw in load_spec()["methods"].items():
        fields = {
            f["name"]: FieldSpec(f["name"], tuple(f["types"]), bool(f["required"])) for f in raw.get("fields", [])
        }
        methods[name.lower()] = MethodSpec(name, fields, tuple(raw.get("returns", ())))
    return methods


@cache
def type_fields(name: str) -> dict[str, FieldSpec]:
    """The fields of the Bot API type ``name`` (e.g. ``KeyboardButton``); KeyError if unknown."""
    raw = load_spec()["types"][name]
    return {f["name"]: FieldSpec(f["name"], tuple(f["types"]), bool(f["required"])) for f in raw.get("fields", [])}


def find_method(name: str) -> MethodSpec | None:
    """The method called ``name`` (case-insensitive, like Telegram), or None."""
    return _methods().get(name.lower())


def api_version() -> str:
    """E.g. ``"Bot API 10.1"``."""
    return str(load_spec()["version"])
