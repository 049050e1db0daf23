"""Sending a digest: a short summary with the key figures, then the HTML page and the XLSX
workbook as documents, to every member of the bodies that receive the digest, through the outbox.

Dedupe keys name the period and the member, so building and sending the same week twice (a
restart, a second process, a catch-up) never sends anything twice.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from backend.context import AppContext
from backend.digest.build import Digest
from backend.models import Participant
from backend.participants import service as participants
from backend.services.outbox import Outgoing, enqueue_many, store_file
from backend.voting import service as voting
from bot.i18n import localize_number, t
from reports.digest import DigestFiles, write_digest

TOP_IN_SUMMARY = 3


async def recipients(session: AsyncSession, app: AppContext) -> list[Participant]:
    """Members of the bodies that receive the digest, each once, who can be reached."""
    found: dict[int, Participant] = {}
    for body in app.plan.bodies:
        if body.receives_digest:
            for member in await voting.members(session, body.code):
                if participants.reachable(member):
                    found.setdefault(member.id, member)
    return list(found.values())


def _figure(key: str, current: int, change: int, lang: str) -> str:
    """One key figure of the summary with its change since the period before."""
    shown = t("digest.summary.change", lang, change=localize_number(change, lang, signed=bool(change)))
    return t("digest.summary.figure", lang, name=t(f"digest.figures.{key}", lang), value=current, change=shown)


def summary(digest: Digest, lang: str) -> str:
    """The message before the files: the period, the key figures with their change, the top problems."""
    totals = digest.participation.totals
    lines = [t("digest.summary.title", lang, period=digest.period.label(lang), dates=digest.period.dates(lang))]
    lines += [_figure(str(key), int(row.current), int(row.change), lang) for key, row in totals.iterrows()]
    top = digest.top.head(TOP_IN_SUMMARY)
    if len(top):
        lines.append(t("digest.summary.top", lang))
        lines += [
            t("digest.summary.problem", lang, rank=int(row["rank"]), title=escape(str(row.title)))
            for _, row in top.iterrows()
        ]
    lines.append(t("digest.summary.files", lang))
    return "\n".join(lines)


def _document(key: str, chat: int, path: Path, directory: Path, caption: str) -> Outgoing:
    payload: dict[str, Any] = {"document": store_file(directory, path.read_bytes(), path.name), "caption": caption}
    return Outgoing(key, chat, "sendDocument", payload)


@dataclass(frozen=True)
class DigestSent:
    """The files written (by language) and how many new messages were queued."""

    files: dict[str, DigestFiles]
    queued: int


async def send_digest(session: AsyncSession, app: AppContext, digest: Digest) -> DigestSent:
    """Write the digest in each recipient's language (Persian at least) and enqueue their three messages."""
    members = await recipients(session, app)
    directory = app.settings.data_dir / "digests"
    files: dict[str, DigestFiles] = {}
    for lang in sorted({"fa", *(m.language for m in members)}):
        files[lang] = await asyncio.to_thread(write_digest, digest, lang, directory)  # charts and sheets: CPU-bound
    period = digest.period.label("en")
    messages = []
    for member in members:
        lang, chat = member.language, member.telegram_id
        assert chat is not None
        key = f"digest:{period}:{digest.period.first}:member:{member.id}"
        written = files[lang]
        messages += [
            Outgoing(f"{key}:summary", chat, "sendMessage", {"text": summary(digest, lang), "parse_mode": "HTML"}),
            _document(f"{key}:html", chat, written.html, app.settings.data_dir, t("digest.caption.html", lang)),
            _document(f"{key}:xlsx", chat, written.xlsx, app.settings.data_dir, t("digest.caption.xlsx", lang)),
        ]
    return DigestSent(files, await enqueue_many(session, messages))
