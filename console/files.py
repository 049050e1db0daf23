"""Files a page hands to the browser: a download with a safe name."""

from __future__ import annotations

from fastapi.responses import Response

CSV = "text/csv; charset=utf-8"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HTML = "text/html; charset=utf-8"


def download(content: bytes, filename: str, media_type: str) -> Response:
    """``content`` as an attachment named ``filename`` (ASCII, from codes the page chose)."""
    return Response(
        content, media_type=media_type, headers={"Content-Disposition": f'attachment; filename="{filename}"'}
    )
