"""Imports of citizen-poll exports (the Shahr-e Man app and the 137 line) as findings."""

from backend.imports.importer import ImportFailed, ImportResult, import_file
from backend.imports.mapping import KINDS, load_mapping
from backend.imports.rows import BadRow

__all__ = ["KINDS", "BadRow", "ImportFailed", "ImportResult", "import_file", "load_mapping"]
