"""Findings: every raw statement enters here, normalized, with where it came from."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from backend.errors import MeydanError
from backend.models import FINDING_KINDS, Finding
from backend.moderation.flags import intake_flags
from backend.text import normalize_persian


def new_finding(*, kind: str, text: str, source: str, **origin: object) -> Finding:
    """A finding with its text normalized beside the original; ``origin`` fills the other columns
    (stakeholder_group, working_group, axis, district, severity, organization, participant_id,
    meeting_id, note_id, answer_id, import_row_id, parent_id). Its moderation flags are computed here."""
    if kind not in FINDING_KINDS:
        raise MeydanError(f"unknown finding kind {kind!r}; expected one of {', '.join(FINDING_KINDS)}")
    if not text.strip():
        raise MeydanError("a finding needs a text")
    return Finding(
        kind=kind,
        text=text,
        normalized_text=normalize_persian(text),
        source=source,
        flags=intake_flags(text),
        **origin,
    )


async def record_finding(session: AsyncSession, *, kind: str, text: str, source: str, **origin: object) -> Finding:
    """Add one finding to the session and flush it so it has an id."""
    finding = new_finding(kind=kind, text=text, source=source, **origin)
    session.add(finding)
    await session.flush()
    return finding
