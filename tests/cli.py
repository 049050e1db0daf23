"""Running ``meydan`` as a user runs it: a subprocess on a SQLite database, no inherited MEYDAN_* settings."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy.engine import URL


def meydan(tmp_path: Path, url: URL, *args: str, **settings: str) -> subprocess.CompletedProcess[str]:
    """``meydan *args`` in ``tmp_path`` on the SQLite database ``url`` with MEYDAN_DATA_DIR under
    ``tmp_path`` and ``settings`` (MEYDAN_* names) added; output captured as text."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("MEYDAN_")}
    env.update(
        MEYDAN_DATABASE_URL=f"sqlite:///{url.database}",
        MEYDAN_DATA_DIR=str(tmp_path / "data"),
        COLUMNS="200",
        **settings,
    )
    return subprocess.run(
        [str(Path(sys.executable).with_name("meydan")), *args],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
