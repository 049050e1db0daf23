"""QR codes of deep links (segno), as PNG or SVG files for posters and as inline images."""

from __future__ import annotations

import base64
import io

import segno

KINDS = {"png": "image/png", "svg": "image/svg+xml"}


def qr_code(link: str, kind: str) -> bytes:
    """The QR code of ``link`` as a PNG or SVG file."""
    out = io.BytesIO()
    segno.make(link, error="m").save(out, kind=kind, scale=8, border=4)
    return out.getvalue()


def qr_data_uri(link: str) -> str:
    """The QR code of ``link`` as an inline PNG (shown once, with the link it encodes)."""
    return "data:image/png;base64," + base64.b64encode(qr_code(link, "png")).decode("ascii")
